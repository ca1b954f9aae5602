#!/usr/bin/env node
// The outside view of qixflow, as CI checks it (`pnpm consumer-check`, run by .ci/run): what an npm
// user gets is the packed tarball, not the workspace, so everything here works on tarballs.
//
//   1. build every package; pack each with pnpm (the publisher: only pnpm rewrites `workspace:*`
//      and `catalog:`) and check the packed manifests;
//   2. publint and @arethetypeswrong/cli on every tarball: both must report nothing;
//   3. an empty project outside the repository installs the tarballs with npm, checks that the
//      declaration maps resolve, type-checks a strict consumer (skipLibCheck: false) with nodenext
//      and with bundler resolution, runs it with plain node against the simulator, runs the CLI
//      without its optional simulator, and require()s every entry point from CommonJS.
//
// Type errors owned elsewhere and not fixed yet are listed in known-issues.json: they are reported
// as pending, any other error fails, and so does a listed one that no longer occurs.
// dist/ folders created by the build step are removed at the end (the workspace runs sources).
//
// Usage: node scripts/consumer-check/run.mjs [--no-build] [--keep]
//   --no-build  use the dist/ folders as they are (local iterations)
//   --keep      keep the temporary project and print its path
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = new Set(process.argv.slice(2));
const requireFromRoot = createRequire(join(root, 'package.json'));

// Inside `pnpm run` pnpm names itself in npm_execpath; a fresh CI machine has no global pnpm.
const execPath = process.env.npm_execpath ?? '';
const pnpm = /^pnpm(\.c?js)?$/.test(basename(execPath)) ? [process.execPath, execPath] : ['pnpm'];
const tsc = [process.execPath, requireFromRoot.resolve('typescript/bin/tsc')];
// attw exports no subpaths: find its bin through its folder in the root's node_modules.
const attwDir = join(root, 'node_modules', '@arethetypeswrong', 'cli');
const attwBin = JSON.parse(await readFile(join(attwDir, 'package.json'), 'utf8')).bin.attw;
const attw = [process.execPath, join(attwDir, attwBin)];

const failures = [];
const started = Date.now();

function step(title) {
  console.log(`\n── ${title} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

function fail(message) {
  failures.push(message);
  console.log(`  ✗ ${message}`);
}

/** Runs a command; resolves with its exit code and output (printed when it fails or `echo` is set). */
function run([command, ...rest], { cwd = root, echo = false, timeoutMs = 180_000, env } = {}) {
  return new Promise((done, reject) => {
    const child = spawn(command, rest, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk) => {
      output += chunk;
      if (echo) process.stdout.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? (signal ? 128 : 1), output });
    });
  });
}

async function mustRun(title, command, options) {
  const result = await run(command, options);
  if (result.code !== 0) {
    if (!options?.echo) process.stdout.write(result.output);
    fail(`${title} exited with ${result.code}`);
  }
  return result;
}

async function packages() {
  const found = [];
  for (const entry of await readdir(join(root, 'packages'), { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(root, 'packages', entry.name);
    const manifest = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8'));
    if (!manifest.private) found.push({ dir, name: manifest.name, folder: entry.name });
  }
  return found;
}

/** The manifest as npm will see it: read from the tarball, not from the workspace. */
async function packedManifest(tarball) {
  const { code, output } = await run(['tar', '-xzOf', tarball, 'package/package.json']);
  if (code !== 0) throw new Error(`cannot read package.json from ${tarball}: ${output}`);
  return JSON.parse(output);
}

async function packedFiles(tarball) {
  const { output } = await run(['tar', '-tzf', tarball]);
  return new Set(output.split('\n').filter(Boolean));
}

function checkManifest(pkg, manifest, files) {
  const problems = [];
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(manifest[field] ?? {})) {
      if (/^(workspace|catalog):/.test(range)) problems.push(`${field}.${dep} is still "${range}"`);
    }
  }
  if (manifest.license !== 'MIT') problems.push(`license is ${JSON.stringify(manifest.license)}`);
  if (manifest.engines?.node !== '>=20.19') problems.push(`engines.node is ${JSON.stringify(manifest.engines?.node)}`);
  if (manifest.repository?.directory !== `packages/${pkg.folder}`) problems.push('repository.directory is wrong');
  if (!Array.isArray(manifest.keywords) || manifest.keywords.length === 0) problems.push('no keywords');
  if (!files.has('package/LICENSE')) problems.push('no LICENSE file in the tarball');
  if (!files.has('package/README.md')) problems.push('no README.md in the tarball');
  for (const problem of problems) fail(`${pkg.name} tarball: ${problem}`);
}

/** Every `sources` entry of every shipped declaration map must point at a shipped file. */
async function checkDeclarationMaps(installed, name) {
  let maps = 0;
  const walk = async (dir) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith('.d.ts.map')) {
        maps += 1;
        const map = JSON.parse(await readFile(path, 'utf8'));
        for (const source of map.sources) {
          const target = resolve(dirname(path), map.sourceRoot ?? '', source);
          if (!(await exists(target))) fail(`${name}: ${relative(installed, path)} points to missing ${source}`);
        }
      }
    }
  };
  await walk(join(installed, 'dist'));
  return maps;
}

function catalogVersion(yaml, name) {
  const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const match = new RegExp(`^\\s+"?${escaped}"?:\\s*(\\S+)\\s*$`, 'm').exec(yaml);
  if (match === null) throw new Error(`no ${name} in the pnpm catalog`);
  return match[1];
}

const knownIssues = JSON.parse(await readFile(join(here, 'known-issues.json'), 'utf8'));
const pending = [];

/** tsc's errors must be exactly the known ones: a new error fails, and so does a fixed known one. */
function checkTypeErrors(config, code, output) {
  const issues = knownIssues.tsc.filter((issue) => issue.configs.includes(config));
  const errors = [...output.matchAll(/^(.+?)\(\d+,\d+\): error (TS\d+): (.*)$/gm)].map(([line, file, tsCode]) => ({
    line,
    file,
    code: tsCode,
  }));
  if (code !== 0 && errors.length === 0) {
    process.stdout.write(output);
    fail(`tsc -p ${config} exited with ${code}`);
    return;
  }
  for (const error of errors) {
    const known = issues.find((issue) => issue.file === error.file && issue.code === error.code);
    if (known === undefined) fail(`tsc -p ${config}: ${error.line}`);
  }
  for (const issue of issues) {
    const hits = errors.filter((error) => error.file === issue.file && error.code === issue.code).length;
    if (hits === 0)
      fail(
        `tsc -p ${config}: known issue ${issue.code} in ${issue.file} no longer occurs: remove it from known-issues.json`,
      );
    else pending.push(`tsc -p ${config}: ${hits} × ${issue.code} in ${issue.file} — ${issue.why}`);
  }
  if (errors.length === 0) console.log(`  ${config}: no errors`);
}

/** publint (strict, suggestions included) and attw on every tarball; returns what to print. */
async function lintTarballs(packed) {
  const log = [];
  const { publint } = await import(requireFromRoot.resolve('publint'));
  const { formatMessage } = await import(requireFromRoot.resolve('publint/utils'));
  for (const pkg of packed) {
    const tarball = await readFile(pkg.tarball);
    const { messages, pkg: manifest } = await publint({
      pack: { tarball: tarball.buffer.slice(tarball.byteOffset, tarball.byteOffset + tarball.byteLength) },
      level: 'suggestion',
      strict: true,
    });
    for (const message of messages) {
      log.push({
        failure: `publint ${pkg.name}: ${formatMessage(message, manifest, { color: false }) ?? message.code}`,
      });
    }
    const types = await run([
      ...attw,
      pkg.tarball,
      // esm-only: the packages are ESM; CommonJS users load them through Node's require(esm)
      // (>= 20.19), which attw's bundled TypeScript (5.6) cannot model — it would flag every
      // `require` as "ESM (dynamic import only)". The consumer proves require() for real, at
      // run time and typed (a .cts under nodenext with the workspace's TypeScript).
      '--profile',
      'esm-only',
      // A script for RequireJS / <script> / CommonJS, not a TypeScript entry point.
      '--exclude-entrypoints',
      './umd',
      '--format',
      'ascii',
      '--no-emoji',
      '--no-color',
    ]);
    if (types.code !== 0) log.push({ output: types.output, failure: `attw ${pkg.name} reports problems` });
  }
  return log;
}

/**
 * The simulator is an optional peer of the CLI: every command but `sim`/`demo` works without it,
 * and those two say what to install. Hidden by renaming its folder rather than a second install.
 */
async function checkCliWithoutSimulator(project) {
  const bin = join(project, 'node_modules', '@qixflow', 'cli', 'bin', 'qixflow.js');
  const simDir = join(project, 'node_modules', '@qixflow', 'sense-sim');
  const hidden = `${simDir}.hidden`;
  await rename(simDir, hidden);
  try {
    const help = await run([process.execPath, bin, '--help'], { cwd: project, timeoutMs: 30_000 });
    if (help.code !== 0) fail(`qixflow --help without @qixflow/sense-sim exited with ${help.code}:\n${help.output}`);
    const sim = await run([process.execPath, bin, 'sim', '--port', '0'], { cwd: project, timeoutMs: 30_000 });
    if (sim.code === 0 || !sim.output.includes('install @qixflow/sense-sim to run the simulator')) {
      fail(`qixflow sim without @qixflow/sense-sim should say what to install (exit ${sim.code}):\n${sim.output}`);
    } else {
      console.log('cli: works without @qixflow/sense-sim; `qixflow sim` says to install it');
    }
  } finally {
    await rename(hidden, simDir);
  }
}

/**
 * Every ```ts block of every package README becomes a module of the consumer project, compiled
 * against the installed tarballs as a reader would paste it. A block may rely on names it does not
 * define (`site`, `doc` …) only if an HTML comment right above it declares them:
 * `<!-- example-context: declare const site: import('@qixflow/core').Site; -->`.
 */
async function writeReadmeExamples(pkgs, dir) {
  await mkdir(dir, { recursive: true });
  let count = 0;
  for (const pkg of pkgs) {
    const text = await readFile(join(pkg.dir, 'README.md'), 'utf8');
    let index = 0;
    for (const match of text.matchAll(/(?:<!--\s*example-context:([\s\S]*?)-->\s*\n)?^```ts\n([\s\S]*?)^```/gm)) {
      index += 1;
      count += 1;
      const context = match[1]?.trim() ?? '';
      await writeFile(join(dir, `${pkg.folder}-${index}.ts`), `${context}\n${match[2]}\nexport {};\n`);
    }
  }
  return count;
}

function exists(path) {
  return stat(path).then(
    () => true,
    () => false,
  );
}

const builtHere = [];
const work = await mkdtemp(join(tmpdir(), 'qixflow-consumer-'));
const tarballDir = join(work, 'tarballs');
const project = join(work, 'project');
try {
  const pkgs = await packages();

  if (!args.has('--no-build')) {
    // dist/ folders this run creates are removed at the end: in the workspace, tests and the
    // qixflow binary run the sources, and a forgotten build would shadow them.
    for (const pkg of pkgs) {
      if (!(await exists(join(pkg.dir, 'dist')))) builtHere.push(join(pkg.dir, 'dist'));
    }
    step('build every package');
    await mustRun('pnpm -r run build', [...pnpm, '-r', 'run', 'build']);
  }

  step(`pack ${pkgs.length} packages with pnpm`);
  await mkdir(tarballDir, { recursive: true });
  const packed = await Promise.all(
    pkgs.map(async (pkg) => {
      const { code, output } = await run([...pnpm, 'pack', '--pack-destination', tarballDir], { cwd: pkg.dir });
      const tarball = output
        .trim()
        .split('\n')
        .reverse()
        .find((line) => line.trim().endsWith('.tgz'))
        ?.trim();
      if (code !== 0 || tarball === undefined) throw new Error(`pnpm pack of ${pkg.name} failed:\n${output}`);
      return { ...pkg, tarball: resolve(pkg.dir, tarball) };
    }),
  );
  for (const pkg of packed) {
    const files = await packedFiles(pkg.tarball);
    checkManifest(pkg, await packedManifest(pkg.tarball), files);
    const size = (await stat(pkg.tarball)).size;
    console.log(`  ${pkg.name}: ${files.size} files, ${(size / 1024).toFixed(0)} KiB packed`);
  }

  // The linters run beside the npm install and the consumer (2 cores: one waits on I/O most of
  // the time); their findings are printed when the consumer is done.
  const linting = lintTarballs(packed);

  step('install the tarballs with npm into an empty project outside the repository');
  await cp(join(here, 'fixture'), project, { recursive: true });
  const yaml = await readFile(join(root, 'pnpm-workspace.yaml'), 'utf8');
  const install = await mustRun(
    'npm install',
    [
      'npm',
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...packed.map((pkg) => pkg.tarball),
      `@types/node@${catalogVersion(yaml, '@types/node')}`,
      `rxjs@${catalogVersion(yaml, 'rxjs')}`,
    ],
    { cwd: project, timeoutMs: 300_000 },
  );
  if (install.code === 0) {
    let maps = 0;
    for (const pkg of packed) {
      maps += await checkDeclarationMaps(join(project, 'node_modules', pkg.name), pkg.name);
    }
    console.log(`  installed; ${maps} declaration maps resolve to shipped sources`);

    step('type-check the strict consumer (nodenext, then bundler resolution) and the README examples');
    const examples = await writeReadmeExamples(pkgs, join(project, 'readme'));
    console.log(`  ${examples} TypeScript examples from the package READMEs`);
    const configs = ['tsconfig.nodenext.json', 'tsconfig.bundler.json', 'tsconfig.readme.json'];
    const results = await Promise.all(configs.map((config) => run([...tsc, '-p', config], { cwd: project })));
    for (const [i, config] of configs.entries()) checkTypeErrors(config, results[i].code, results[i].output);

    step('run the consumer with plain node against the simulator, then require() every package');
    await mustRun('node out/main.js', [process.execPath, 'out/main.js'], {
      cwd: project,
      echo: true,
      timeoutMs: 60_000,
    });
    await mustRun(
      'node out/commonjs.cjs',
      [process.execPath, '--disable-warning=ExperimentalWarning', 'out/commonjs.cjs'],
      {
        cwd: project,
        echo: true,
        timeoutMs: 60_000,
      },
    );
    await checkCliWithoutSimulator(project);
    await mustRun(
      'node require-all.cjs',
      [process.execPath, '--disable-warning=ExperimentalWarning', 'require-all.cjs'],
      {
        cwd: project,
        echo: true,
        timeoutMs: 60_000,
      },
    );
  }

  step('publint and attw on every tarball');
  const lintLog = await linting;
  for (const entry of lintLog) {
    if (entry.output !== undefined) process.stdout.write(entry.output);
    fail(entry.failure);
  }
  if (lintLog.length === 0) console.log(`  ${packed.length} packages: publint and attw report nothing`);
} finally {
  for (const dist of builtHere) await rm(dist, { recursive: true, force: true });
  if (args.has('--keep')) console.log(`\nkept ${work}`);
  else await rm(work, { recursive: true, force: true });
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (pending.length > 0) {
  console.log(`\nknown issues still pending (scripts/consumer-check/known-issues.json):`);
  for (const issue of pending) console.log(`  - ${issue}`);
}
if (failures.length > 0) {
  console.log(`\nconsumer-check: ${failures.length} problem(s) in ${seconds} s:`);
  for (const failure of failures) console.log(`  - ${failure}`);
  process.exitCode = 1;
} else {
  console.log(`\nconsumer-check: the packed packages work for an outside user (${seconds} s)`);
}
