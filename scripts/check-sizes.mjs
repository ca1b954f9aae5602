// House limits (issue #18): no hand-written source file over 600 lines and no function over 120
// lines — in packages' src and viewer code, scripts, tests and benchmarks (a `describe` body only
// groups tests; each test is measured). Generated files and type declarations are exempt. Exits 1
// and lists what is over.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import ts from 'typescript';

const MAX_FILE_LINES = 600;
const MAX_FUNCTION_LINES = 120;

const files = execFileSync(
  'git',
  [
    'ls-files',
    'packages/*/src/**/*.ts',
    'packages/*/viewer/*.ts',
    'packages/*/test/**/*.ts',
    'scripts/**/*.ts',
    'test/**/*.ts',
  ],
  { encoding: 'utf8' },
)
  .split('\n')
  .filter((f) => f !== '' && !f.includes('/generated/') && !f.endsWith('.d.ts'));

const over = [];
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n').length;
  if (lines > MAX_FILE_LINES) over.push(`${file}: ${lines} lines (at most ${MAX_FILE_LINES})`);
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const visit = (node) => {
    if (ts.isFunctionLike(node) && node.body && !isDescribeBody(node)) {
      const from = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const to = source.getLineAndCharacterOfPosition(node.end).line;
      if (to - from + 1 > MAX_FUNCTION_LINES) {
        const name = node.name ? node.name.getText(source) : '(anonymous)';
        over.push(`${file}:${from + 1}: function ${name} has ${to - from + 1} lines (at most ${MAX_FUNCTION_LINES})`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
}
/** A `describe('…', () => { … })` body only groups tests (each `it` is measured on its own). */
function isDescribeBody(node) {
  const call = node.parent;
  if (!call || !ts.isCallExpression(call)) return false;
  const callee = call.expression;
  const name = ts.isIdentifier(callee)
    ? callee.text
    : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)
      ? callee.expression.text
      : ts.isCallExpression(callee) &&
          ts.isPropertyAccessExpression(callee.expression) &&
          ts.isIdentifier(callee.expression.expression)
        ? callee.expression.expression.text
        : '';
  return name === 'describe';
}

if (over.length > 0) {
  console.error(over.join('\n'));
  process.exit(1);
}
console.log(`sizes: ${files.length} files, none over ${MAX_FILE_LINES} lines, no function over ${MAX_FUNCTION_LINES}`);
