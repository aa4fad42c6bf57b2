#!/usr/bin/env node
/**
 * `npm create estimatorjs@latest <dir> [-- --template node]` runs this: it scaffolds the project and says what to
 * run next. Errors are one line and exit 2.
 */
import { relative } from 'node:path';
import { isEstimatorError } from '@estimatorjs/errors';
import { scaffold, TEMPLATES, type TemplateName } from './scaffold.js';

const USAGE = `usage: npm create estimatorjs@latest <directory> [-- --template ${TEMPLATES.join('|')}] [--name <npm name>]`;

function parse(argv: string[]): { dir?: string; template?: TemplateName; name?: string; help?: boolean } {
  const out: { dir?: string; template?: TemplateName; name?: string; help?: boolean } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') ? (arg.split(/=(.*)/s) as [string, string?]) : [arg];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    if (flag === '--help' || flag === '-h') out.help = true;
    else if (flag === '--template') out.template = value() as TemplateName;
    else if (flag === '--name') out.name = value();
    else if (flag.startsWith('-')) throw new Error(`unknown option ${flag}\n${USAGE}`);
    else if (out.dir === undefined) out.dir = arg;
    else throw new Error(`one directory expected, got ${out.dir} and ${arg}\n${USAGE}`);
  }
  return out;
}

try {
  const args = parse(process.argv.slice(2));
  if (args.help || args.dir === undefined) {
    console.log(USAGE);
    process.exitCode = args.help ? 0 : 2;
  } else {
    const files = scaffold({ dir: args.dir, template: args.template, name: args.name });
    const where = relative(process.cwd(), args.dir) || '.';
    console.log(`Created ${where} (${files.length} files). Next:\n`);
    console.log(`  cd ${JSON.stringify(where)}\n  npm install\n  npm start        # train, evaluate, export`);
    console.log('  npm run board    # live charts at http://127.0.0.1:6006');
  }
} catch (e) {
  console.error(isEstimatorError(e) ? `${e.code}: ${e.message}` : (e as Error).message);
  process.exitCode = 2;
}
