// Counts cl100k tokens (the encoding of GPT-4-class models) of files or of stdin.
// Usage: node bench/tokens/count_tokens.mjs [FILE...]   -> "<tokens>\t<bytes>\t<name>" per input.
// The tokenizer comes from .tools/tokenizer (scripts/install_node_tools.sh installs it), or from
// $TMCP_TOOLS/tokenizer when set.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tools = process.env.TMCP_TOOLS || join(root, '.tools');
const require = createRequire(join(tools, 'tokenizer', 'package.json'));
const { encode } = require('gpt-tokenizer/cjs/encoding/cl100k_base');

const inputs = process.argv.slice(2);
const texts = inputs.length ? inputs.map((f) => [f, readFileSync(f, 'utf8')])
                            : [['-', readFileSync(0, 'utf8')]];
for (const [name, text] of texts)
  console.log(`${encode(text).length}\t${Buffer.byteLength(text)}\t${name}`);
