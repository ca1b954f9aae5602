// Minimal declarations for RxQ 2 (npm `rxq`, untyped), as far as the benchmark uses it.
declare module 'rxq' {
  import type { Observable, OperatorFunction } from 'rxjs';
  export interface RxqSession {
    global$: Observable<unknown>;
    close(): void;
  }
  export function connectSession(config: {
    host: string;
    port: number;
    isSecure: boolean;
    appname?: string;
    identity?: string;
  }): RxqSession;
  export function qAsk(method: string, ...args: unknown[]): OperatorFunction<unknown, unknown>;
}
declare module 'rxq/Doc' {
  export const CreateSessionObject: string;
  export const DestroySessionObject: string;
  export const GetField: string;
  export const GetObject: string;
}
declare module 'rxq/Field' {
  export const SelectValues: string;
}
declare module 'rxq/GenericObject' {
  export const GetLayout: string;
}
declare module 'rxq/Global' {
  export const OpenDoc: string;
}
