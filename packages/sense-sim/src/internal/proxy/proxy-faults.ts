/**
 * Proxy-level faults switched on by the control API: answer with a login page instead of
 * authenticating (a virtual proxy misconfigured for forms/Windows auth, or an SSO in front).
 */
export class ProxyFaults {
  /** Remaining requests answered with a login page, per prefix ('*' = every proxy). */
  readonly #loginPage = new Map<string, number>();

  answerWithLoginPage(prefix: string, count: number): void {
    this.#loginPage.set(prefix, count);
  }

  /** True when this request must get the login page; counts it. */
  takeLoginPage(prefix: string): boolean {
    for (const key of [prefix, '*']) {
      const left = this.#loginPage.get(key);
      if (left !== undefined && left > 0) {
        if (left === 1) this.#loginPage.delete(key);
        else this.#loginPage.set(key, left - 1);
        return true;
      }
    }
    return false;
  }

  clear(): void {
    this.#loginPage.clear();
  }
}
