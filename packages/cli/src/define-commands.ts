import { type Command, Option } from 'commander';
import type { Runner } from './cli-context.js';
import type { AppsFlags } from './commands/apps.js';
import type { ContextAddFlags, ContextListFlags } from './commands/context.js';
import type { DemoFlags } from './commands/demo.js';
import type { LineageFlags } from './commands/lineage.js';
import type { LineageQueryFlags } from './commands/lineage-query.js';
import type { LoginFlags } from './commands/login.js';
import type { LogoutFlags, StatusFlags } from './commands/session.js';
import type { SimFlags } from './commands/sim.js';
import type { WatchFlags } from './commands/watch.js';
import { addConnectionOptions, wholeNumber } from './connection/connection-options.js';
import { LINEAGE_FORMATS, parseFormats } from './internal/lineage-formats.js';

/**
 * Defines every command, its arguments and flags. The implementations are imported when a command
 * runs, so that `--help` and usage errors answer without loading the engine client or the simulator.
 *
 * @example
 * ```ts
 * defineCommands(new Command('qixflow'), run);
 * ```
 */
export function defineCommands(program: Command, run: Runner): void {
  program
    .command('sim')
    .description('start the Qlik Sense simulator (JWT virtual proxy, QRS, QIX engine) and print how to connect')
    .option('-s, --site <demo|path>', "site fixture (schemas/sim-site.schema.json) or 'demo'", 'demo')
    .option(
      '-p, --port <n>',
      "port to listen on (0 = any free port; default: the config file's port, else 4431)",
      wholeNumber(0, 65535),
    )
    .option('--host <address>', 'address to listen on (default 127.0.0.1)')
    .option('--http', 'plain HTTP instead of HTTPS')
    .option('--tenant', 'also play a Qlik Cloud tenant (/login/jwt-session) at the root')
    .option('-o, --out <dir>', 'where to write the JWT private key, its certificate and the CA', '.qixflow-sim')
    .option('-c, --config <file>', 'simulator config (JSON, schemas/sim-config.schema.json); flags override it')
    .option('--no-check', 'skip the start-up check (handshake + engine websocket through @qixflow/core)')
    .action((flags: SimFlags) =>
      run(async (context) => (await import('./commands/sim.js')).simCommand(flags, context), {
        handlesInterrupt: true,
      }),
    );

  addConnectionOptions(
    program
      .command('login')
      .description(
        'check a connection: JWT handshake, who the proxy thinks you are, session cookie name, CSRF token, engine version, proxy sessions used',
      )
      .option('--json', 'print the report as JSON'),
  ).action((flags: LoginFlags) =>
    run(async (context) => (await import('./commands/login.js')).loginCommand(flags, context)),
  );

  addConnectionOptions(program.command('apps').description('list the apps (QRS): name, id, stream, owner, last reload'))
    .option('--json', 'print JSON instead of a table')
    .option('--filter <qrs-filter>', 'QRS filter, e.g. "stream.name eq \'Sales\'"')
    .action((flags: AppsFlags) =>
      run(async (context) => (await import('./commands/apps.js')).appsCommand(flags, context)),
    );

  addConnectionOptions(
    program
      .command('watch')
      .description(
        'print live layouts (KPI values, first rows of tables and charts, list box values), current selections and reloads of an app until Ctrl-C; with --site, the changes of the whole site (apps created, updated, published, deleted, reloaded, reloads failed, tasks started)',
      )
      .argument('[app]', 'app id or name (not with --site)')
      .argument('[object...]', 'object ids (default: every visualization on the sheets)')
      .option(
        '--site',
        "watch the site's changes (QRS) instead of one app; goes on from where the last watch --site stopped",
      )
      .option('--stream <name...>', 'with --site: only apps published to these streams')
      .option(
        '--filter <expr>',
        "with --site: only events matching, e.g. 'type=app.reloaded,reload.failed;stream=Sales' (repeatable; see the README)",
        (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
      )
      .option(
        '--interval-ms <ms>',
        'with --site: shortest time between polls (default 2000)',
        wholeNumber(100, 3_600_000),
      )
      .option(
        '--max-interval-ms <ms>',
        'with --site: longest time between polls while nothing changes (default 30000)',
        wholeNumber(100, 3_600_000),
      )
      .option('--no-resume', 'with --site: start from now instead of the stored cursor')
      .option('--state <name>', 'selection state to follow', '$')
      .option('--no-selections', 'do not print the current selections')
      .option('--no-reloads', 'do not print reloads')
      .option('--json', 'one JSON object per line instead of text')
      .option(
        '--ttl <seconds>',
        'keep the engine session this long after a network loss (/ttl/<s>)',
        wholeNumber(1, 86400),
      ),
  ).action((app: string | undefined, objects: string[], flags: WatchFlags) =>
    run(async (context) => (await import('./commands/watch.js')).watchCommand(app, objects, flags, context), {
      handlesInterrupt: true,
    }),
  );

  const lineage = program.command('lineage');
  addConnectionOptions(
    lineage
      .description(
        'extract lineage (sources, scripts, tables, fields, master items, charts) of apps over one proxy session',
      )
      .option('--app <id|name...>', 'apps to extract, by id or name (repeatable); default every app')
      .option('--all', 'every app the user can see (the default)')
      .option('--filter <qrs-filter>', 'only the apps matching a QRS filter, e.g. "stream.name eq \'Sales\'"')
      .option(
        '-o, --out <dir>',
        'output directory (required; for trace and impact without --graph: where to keep the extraction)',
      )
      .addOption(formatOption())
      .option('--concurrency <n>', 'apps extracted in parallel (over the same proxy session)', wholeNumber(1, 32), 4)
      .option(
        '--openlineage-url <url>',
        'also POST every OpenLineage event there (e.g. Marquez http://host:5000); default OPENLINEAGE_URL',
      )
      .addOption(
        new Option('--openlineage-source-code <mode>', "the load script in the events' sourceCode facet")
          .choices(['redacted', 'none'])
          .default('redacted'),
      )
      .option('--no-resume', 'extract every app again, even those an earlier run left in --out')
      .addOption(
        new Option('--model <when>', 'read the data model (GetTablesAndKeys): auto, always or never').choices([
          'auto',
          'always',
          'never',
        ]),
      )
      .option(
        '--app-timeout <ms>',
        'give up on one app after this long (default 120000)',
        wholeNumber(1000, 86_400_000),
      )
      .option(
        '--watch',
        'after the run, keep the outputs current until Ctrl-C: each app the site reloads (or fails to) is extracted again and the outputs rewritten',
      )
      .option(
        '--interval-ms <ms>',
        'with --watch: shortest time between polls of the site (default 2000)',
        wholeNumber(100, 3_600_000),
      ),
  ).action((flags: LineageFlags) =>
    run(async (context) => (await import('./commands/lineage.js')).lineageCommand(flags, context), {
      handlesInterrupt: flags.watch === true,
    }),
  );
  defineLineageQueries(lineage, run);

  defineContextCommands(program, run);

  addConnectionOptions(
    program
      .command('logout')
      .description(
        'end the stored proxy session of the site (current context, or the one the flags name) and forget it; frees the licence slot 5 minutes later',
      )
      .option('--all', 'every stored session, of every context and user'),
  ).action((flags: LogoutFlags) =>
    run(async (context) => (await import('./commands/session.js')).logoutCommand(flags, context)),
  );

  addConnectionOptions(
    program
      .command('status')
      .description(
        'per context: whether a proxy session is stored and its age, the session budget used in the last 5 minutes and when the next slot frees (no secret)',
      )
      .option('--json', 'print JSON instead of a table'),
  ).action((flags: StatusFlags) =>
    run(async (context) => (await import('./commands/session.js')).statusCommand(flags, context)),
  );

  program
    .command('demo')
    .description(
      'run the demo end to end: simulator with the demo site behind a JWT virtual proxy, real handshake, lineage of every app into --out, summary',
    )
    .option('-o, --out <dir>', 'output directory', './qixflow-demo-output')
    .option('-p, --port <n>', 'simulator port (0 = any free port)', wholeNumber(0, 65535), 0)
    .addOption(formatOption())
    .option('--concurrency <n>', 'apps extracted in parallel', wholeNumber(1, 32), 4)
    .action((flags: DemoFlags) =>
      run(async (context) => (await import('./commands/demo.js')).demoCommand(flags, context)),
    );
}

/**
 * `qixflow lineage trace <node>` and `qixflow lineage impact <node>`: queries over a graph. The
 * connection flags, `--app`, `--out` and `--concurrency` are `lineage`'s own (commander lets the parent
 * take its options anywhere on the line): the query reads them with `optsWithGlobals()`.
 */
function defineLineageQueries(lineage: Command, run: Runner): void {
  const queries = [
    [
      'trace',
      'where a chart, master item, field or dataset gets its data: the upstream tree across apps and the source columns',
    ],
    [
      'impact',
      'what depends on a column or dataset (e.g. dbo.Orders#Status): the downstream tree across apps and the charts',
    ],
  ] as const;
  for (const [name, description] of queries) {
    lineage
      .command(name)
      .description(
        `${description}; from --graph, else the site is extracted first (connection flags, --app, --filter, --model, --out and --concurrency of qixflow lineage)`,
      )
      .argument(
        '<node>',
        'node id, chart:<app>/<title or id> (also sheet:, measure:, dimension:, variable:, field:, table:), <dataset>#<field> or <dataset>',
      )
      .option('--graph <file>', 'a saved graph (lineage.json); default: extract the site first')
      .addOption(
        new Option('--level <level>', 'field: column lineage; dataset: datasets, tables and statements')
          .choices(['field', 'dataset'])
          .default('field'),
      )
      .option('--depth <n>', 'stop this many edges from the node', wholeNumber(1, 1000))
      .option('--json', 'print the tree, the edges and the nodes as JSON')
      .configureHelp({ showGlobalOptions: true })
      .action((reference: string, _flags: unknown, command: Command) =>
        run(async (context) =>
          (await import('./commands/lineage-query.js')).lineageQueryCommand(
            name,
            reference,
            command.optsWithGlobals<LineageQueryFlags>(),
            context,
          ),
        ),
      );
  }
}

/** `qixflow context add|use|ls|show|rm`: named sites, as qlik-cli users know them. */
function defineContextCommands(program: Command, run: Runner): void {
  const context = program
    .command('context')
    .description('named sites (contexts): add, use, ls, show, rm — every connecting command takes --context <name>');
  const load = () => import('./commands/context.js');
  addConnectionOptions(
    context
      .command('add')
      .description(
        'save a site under a name, from the connection flags (or --config); keys are stored by path, never inline',
      )
      .argument('<name>', 'context name (letters, digits, ".", "_", "-")')
      .option('--description <text>', 'free text shown by context ls')
      .option('--use', 'make it the current context (the first context added always is)')
      .option('--force', 'replace a context of the same name'),
  ).action((name: string, flags: ContextAddFlags) =>
    run(async (c) => (await load()).contextAddCommand(name, flags, c)),
  );
  context
    .command('use')
    .description('make a context the current one (used when a command names none)')
    .argument('<name>')
    .action((name: string) => run(async (c) => (await load()).contextUseCommand(name, c)));
  context
    .command('ls')
    .description('list the contexts; * marks the current one')
    .option('--json', 'print JSON instead of a table')
    .action((flags: ContextListFlags) => run(async (c) => (await load()).contextListCommand(flags, c)));
  context
    .command('show')
    .description('print a context as JSON (default: the current one); it holds no secret')
    .argument('[name]')
    .action((name: string | undefined) => run(async (c) => (await load()).contextShowCommand(name, c)));
  context
    .command('rm')
    .description('remove a context')
    .argument('<name>')
    .action((name: string) => run(async (c) => (await load()).contextRemoveCommand(name, c)));
}

/** `--format json,openlineage,html` (all three by default). */
function formatOption(): Option {
  return new Option('--format <list>', `output formats, comma-separated: ${LINEAGE_FORMATS.join(', ')}`)
    .argParser(parseFormats)
    .default([...LINEAGE_FORMATS], LINEAGE_FORMATS.join(','));
}
