// @ts-check
/**
 * Fails when a package's public API has an undocumented symbol: every export reachable from a
 * workspace package's `src/index.ts`, and every public member of exported classes and
 * interfaces, must carry a `/** ... *\/` comment. Run from the repository root:
 * `node tools/lint/check-docs.mjs`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = process.cwd();
const entries = ['packages', 'apps', 'tools']
  .flatMap((group) =>
    existsSync(join(root, group))
      ? readdirSync(join(root, group)).map((name) => join(root, group, name, 'src', 'index.ts'))
      : [],
  )
  .filter((file) => existsSync(file));

const program = ts.createProgram(entries, {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  skipLibCheck: true,
  noEmit: true,
});
const checker = program.getTypeChecker();
/** @type {Set<string>} */
const problems = new Set();
/** @type {Set<ts.Node>} */
const seen = new Set();

/** @param {ts.Node} node */
function hasDoc(node) {
  const text = node.getSourceFile().getFullText();
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  if (ranges.some((range) => text.startsWith('/**', range.pos))) return true;
  // `export const x = ...`: the comment sits on the statement, not the declaration.
  if (ts.isVariableDeclaration(node)) return hasDoc(node.parent.parent);
  return false;
}

/** @param {ts.Node} node @param {string} name */
function report(node, name) {
  const file = node.getSourceFile();
  const { line } = file.getLineAndCharacterOfPosition(node.getStart());
  problems.add(`${relative(root, file.fileName)}:${line + 1}: ${name} has no doc comment`);
}

/** @param {ts.Node} member */
function isPublicMember(member) {
  const modifiers = ts.canHaveModifiers(member) ? (ts.getModifiers(member) ?? []) : [];
  if (
    modifiers.some(
      (m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword,
    )
  ) {
    return false;
  }
  const name = /** @type {{ name?: ts.Node }} */ (member).name;
  return !(name !== undefined && ts.isPrivateIdentifier(name));
}

/** @param {ts.ClassDeclaration | ts.InterfaceDeclaration} owner @param {string} name */
function hasGetter(owner, name) {
  return owner.members.some((m) => ts.isGetAccessor(m) && m.name.getText() === name);
}

/** @param {ts.Declaration} declaration @param {string} name */
function checkDeclaration(declaration, name) {
  if (seen.has(declaration) || declaration.getSourceFile().isDeclarationFile) return;
  seen.add(declaration);
  if (!hasDoc(declaration)) report(declaration, name);
  if (ts.isClassDeclaration(declaration) || ts.isInterfaceDeclaration(declaration)) {
    for (const member of declaration.members) {
      if (!isPublicMember(member)) continue;
      if (ts.isClassStaticBlockDeclaration(member) || ts.isIndexSignatureDeclaration(member))
        continue;
      if (ts.isConstructorDeclaration(member)) {
        if (member.parameters.length > 0 && !hasDoc(member)) report(member, `${name} constructor`);
        for (const parameter of member.parameters) {
          const isProperty = (ts.getModifiers(parameter) ?? []).some(
            (m) =>
              m.kind === ts.SyntaxKind.ReadonlyKeyword || m.kind === ts.SyntaxKind.PublicKeyword,
          );
          if (isProperty && !hasDoc(parameter))
            report(parameter, `${name}.${parameter.name.getText()}`);
        }
        continue;
      }
      // A getter/setter pair is one property: its doc sits on the getter.
      if (ts.isSetAccessor(member) && hasGetter(declaration, member.name.getText())) continue;
      if (!hasDoc(member)) report(member, `${name}.${member.name?.getText() ?? '(member)'}`);
    }
  }
}

/** @param {ts.Symbol} moduleSymbol @param {string} prefix */
function checkModule(moduleSymbol, prefix) {
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const name = `${prefix}${exported.getName()}`;
    const alias =
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const namespaceExport = exported.declarations?.find(ts.isNamespaceExport);
    if (namespaceExport !== undefined) {
      if (!hasDoc(namespaceExport.parent)) report(namespaceExport, name);
      checkModule(alias, `${name}.`);
      continue;
    }
    for (const declaration of alias.declarations ?? []) checkDeclaration(declaration, name);
  }
}

for (const entry of entries) {
  const source = program.getSourceFile(entry);
  const symbol = source && checker.getSymbolAtLocation(source);
  if (symbol !== undefined) checkModule(symbol, '');
}

if (problems.size > 0) {
  for (const problem of [...problems].sort()) console.error(problem);
  console.error(`check-docs: ${problems.size} undocumented public symbols`);
  process.exit(1);
}
console.log(`check-docs: every public symbol of ${entries.length} packages is documented`);
