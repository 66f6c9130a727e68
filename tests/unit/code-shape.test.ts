/**
 * The shape the code keeps (issue 19): no function in provider/ longer than 80 lines, counting a
 * closure's inner functions inside it, no double cast (`as unknown as`), and imports that only
 * point down: the modules of provider/ import each other without a cycle.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const PROVIDER = path.resolve(__dirname, "../../../provider");
const MAX_LINES = 80;

const sources = () =>
  fs
    .readdirSync(PROVIDER)
    .filter((f) => f.endsWith(".ts"))
    .map((f) => ({ file: f, text: fs.readFileSync(path.join(PROVIDER, f), "utf8") }));

/** Every function-like node of a file with its line count, outermost first. */
function functionLengths(file: string, text: string): { name: string; lines: number }[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: { name: string; lines: number }[] = [];
  const visit = (node: ts.Node, inFunction: boolean) => {
    const isFn = ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node);
    if (isFn && !inFunction) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const named = (node as { name?: ts.Node }).name;
      out.push({ name: `${file}: ${named ? named.getText(sf) : `function at line ${start + 1}`}`, lines: end - start + 1 });
    }
    ts.forEachChild(node, (child) => visit(child, inFunction || isFn));
  };
  visit(sf, false);
  return out;
}

describe("code shape of provider/", () => {
  it(`has no function longer than ${MAX_LINES} lines (inner functions count toward the outer one)`, () => {
    const long = sources()
      .flatMap(({ file, text }) => functionLengths(file, text))
      .filter((f) => f.lines > MAX_LINES)
      .map((f) => `${f.name} (${f.lines} lines)`);
    assert.deepEqual(long, []);
  });

  it("has no double cast", () => {
    const casts = sources()
      .filter(({ text }) => /as unknown as/.test(text))
      .map(({ file }) => file);
    assert.deepEqual(casts, []);
  });

  it("imports only point down: no cycle among its modules", () => {
    const graph = new Map<string, string[]>();
    for (const { file, text } of sources()) {
      const deps = [...text.matchAll(/^import [^;]*? from "\.\/([\w-]+)";/gms)].map((m) => `${m[1]}.ts`);
      graph.set(file, deps);
    }
    const cycles: string[] = [];
    const walk = (file: string, trail: string[]) => {
      if (trail.includes(file)) return void cycles.push([...trail.slice(trail.indexOf(file)), file].join(" → "));
      for (const dep of graph.get(file) ?? []) walk(dep, [...trail, file]);
    };
    for (const file of graph.keys()) walk(file, []);
    assert.deepEqual([...new Set(cycles)], []);
  });
});
