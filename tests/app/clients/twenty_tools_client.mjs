// Drives the real Twenty tools through an official TypeScript SDK client: list, get, create,
// search, an error case, a prompt with embedded data and a completion. Usage: node twenty_tools_client.mjs v1|v2 <url>
// v2 pins protocol 2026-07-28 (stateless); v1 speaks 2025-11-25 (sessions).
import assert from 'node:assert/strict';

const [era, url] = process.argv.slice(2);
const sdkDir = process.env.SDK_V1_DIR;
const clientDir = process.env.SDK_V2_DIR;

async function connect() {
  if (era === 'v2') {
    const { Client, StreamableHTTPClientTransport } = await import(
      `${clientDir}/node_modules/@modelcontextprotocol/client/dist/index.mjs`);
    const client = new Client({ name: 'twenty-v2-test', version: '1.0.0' },
      { capabilities: {}, versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    return client;
  }
  const { Client } = await import(`${sdkDir}/node_modules/@modelcontextprotocol/sdk/dist/esm/client/index.js`);
  const { StreamableHTTPClientTransport } = await import(
    `${sdkDir}/node_modules/@modelcontextprotocol/sdk/dist/esm/client/streamableHttp.js`);
  const client = new Client({ name: 'twenty-v1-test', version: '1.0.0' }, { capabilities: {} });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

const structured = (r) => {
  assert.ok(!r.isError, `tool failed: ${JSON.stringify(r.content)}`);
  return r.structuredContent ?? JSON.parse(r.content[0].text);
};

const client = await connect();
const { tools } = await client.listTools();
const names = tools.map((t) => t.name);
for (const n of ['twenty_list_records', 'twenty_get_record', 'twenty_create_record',
  'twenty_search_records'])
  assert.ok(names.includes(n), `${n} missing from tools/list`);

// Record ids of a list answer: a table (columns + rows) or record objects.
const idsOf = (t) => Array.isArray(t.rows) ? t.rows.map((r) => r[t.columns.indexOf('id')])
  : (t.records ?? []).map((r) => r.id);

const page = structured(await client.callTool({ name: 'twenty_list_records',
  arguments: { object: 'companies', limit: 3 } }));
const listed = idsOf(page);
assert.equal(listed.length, 3, 'three companies listed');

const first = structured(await client.callTool({ name: 'twenty_get_record',
  arguments: { object: 'companies', id: listed[0] } }));
assert.equal(first.record?.id ?? first.id, listed[0], 'the listed company is fetched');

const marker = `Era ${era} ${Date.now()}`;
const created = structured(await client.callTool({ name: 'twenty_create_record',
  arguments: { object: 'companies', data: { name: marker } } }));
const createdId = created.record?.id ?? created.id;
assert.ok(createdId, 'the created company has an id');

const found = structured(await client.callTool({ name: 'twenty_search_records',
  arguments: { query: marker, objects: ['companies'] } }));
const hits = found.results.flatMap(idsOf);
assert.ok(hits.includes(createdId), 'search finds the created company');

const missing = await client.callTool({ name: 'twenty_get_record',
  arguments: { object: 'companies', id: '00000000-0000-4000-8000-000000000000' } });
assert.equal(missing.isError, true, 'an unknown id is a tool error');

let unknownTool = null;
try {
  await client.callTool({ name: 'twenty_no_such_tool', arguments: {} });
} catch (e) {
  unknownTool = e;
}
assert.ok(unknownTool, 'an unknown tool is a protocol error');

// A prompt with the company's live data embedded, and a completion of one of its arguments.
const prompt = await client.getPrompt({ name: 'suggest_next_actions',
  arguments: { record: listed[0] } });
const embedded = prompt.messages.filter((m) => m.content.type === 'resource')
  .map((m) => m.content.resource);
const company = embedded.find((r) => r.uri === `twenty://records/companies/${listed[0]}`);
assert.ok(company, 'the prompt embeds the company');
assert.equal(JSON.parse(company.text).id, listed[0], 'the embedded company is the one named');
const completed = await client.complete({ ref: { type: 'ref/prompt', name: 'draft_communication' },
  argument: { name: 'channel', value: 'l' } });
assert.deepEqual(completed.completion.values, ['linkedin_message'], 'channel completion');

await client.close();
console.log(`ok ${era}: listed ${listed.length}, got, created ${createdId}, found, errors, prompt with ${embedded.length} resources, completion`);
