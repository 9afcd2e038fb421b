/**
 * The TypeScript compiler side of tool loading, run in a short-lived child process (see
 * ts-import.ts) so that the compiler's ~50 MB never count against the server's memory. Each source
 * is transpiled on its own (`transpileModule`: types are erased, not checked; `tsc --noEmit` is
 * the type check) to an ES module with a source map, and its imports of other TypeScript sources
 * are pointed at their compiled copies.
 * The process's entry point is ts-compile-main.ts.
 */
import { createRequire } from 'node:module';
import { dirname, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as TypeScript from 'typescript';
import { compiledPath, typeScriptTarget } from './ts-tree.js';
import type { Compiled, Transpile } from './ts-tree.js';

type Ts = typeof TypeScript;

function loadTypeScript(): Ts {
  // typescript is CommonJS; its declarations describe module.exports.
  const ts: Ts = createRequire(import.meta.url)('typescript') as Ts;
  return ts;
}

/** A specifier for `target`'s compiled copy, relative to the compiled file at `outFile`. */
function relativeSpecifier(outFile: string, target: string): string {
  const rel = relative(dirname(outFile), target).split(sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/**
 * Rewrites the specifiers of a module's imports (static, re-exports, and `import()` with a string
 * literal): TypeScript sources to their compiled copies, other relative files to their absolute
 * URL (the compiled file lives elsewhere), packages unchanged.
 */
function specifierRewriter(
  ts: Ts,
  source: string,
  outFile: string,
  cacheRoot: string,
  deps: string[],
): TypeScript.TransformerFactory<TypeScript.SourceFile> {
  const rewrite = (specifier: string): string | undefined => {
    const target = typeScriptTarget(specifier, source);
    if (target !== undefined) {
      deps.push(target);
      return relativeSpecifier(outFile, compiledPath(cacheRoot, target));
    }
    if (specifier.startsWith('./') || specifier.startsWith('../')) {
      return new URL(specifier, pathToFileURL(source)).href;
    }
    return undefined;
  };
  return (context) => {
    const { factory } = context;
    const literal = (node: TypeScript.Expression | undefined): string | undefined =>
      node !== undefined && ts.isStringLiteral(node) ? rewrite(node.text) : undefined;
    const visit = (node: TypeScript.Node): TypeScript.Node => {
      if (ts.isImportDeclaration(node)) {
        const to = literal(node.moduleSpecifier);
        if (to !== undefined) {
          return factory.updateImportDeclaration(
            node,
            node.modifiers,
            node.importClause,
            factory.createStringLiteral(to),
            node.attributes,
          );
        }
      } else if (ts.isExportDeclaration(node)) {
        const to = literal(node.moduleSpecifier);
        if (to !== undefined) {
          return factory.updateExportDeclaration(
            node,
            node.modifiers,
            node.isTypeOnly,
            node.exportClause,
            factory.createStringLiteral(to),
            node.attributes,
          );
        }
      } else if (
        ts.isCallExpression(node) &&
        node.expression.kind === ts.SyntaxKind.ImportKeyword
      ) {
        const to = literal(node.arguments[0]);
        if (to !== undefined) {
          return factory.updateCallExpression(node, node.expression, node.typeArguments, [
            factory.createStringLiteral(to),
            ...node.arguments.slice(1),
          ]);
        }
      }
      return ts.visitEachChild(node, visit, context);
    };
    return (file) => ts.visitEachChild(file, visit, context);
  };
}

/** The transpiler of one source: ES2022 module, inline source map naming the source relatively. */
export function createTranspile(cacheRoot: string): Transpile {
  const ts = loadTypeScript();
  return (source, text, outFile): Compiled => {
    const deps: string[] = [];
    const result = ts.transpileModule(text, {
      fileName: source,
      reportDiagnostics: true,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        sourceMap: true,
        inlineSources: false,
      },
      // After TypeScript's own transform: type-only imports are gone, the rest load at run time.
      transformers: { after: [specifierRewriter(ts, source, outFile, cacheRoot, deps)] },
    });
    const problem = result.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error);
    if (problem !== undefined) {
      const where =
        problem.file !== undefined && problem.start !== undefined
          ? problem.file.getLineAndCharacterOfPosition(problem.start)
          : undefined;
      const at =
        where === undefined ? '' : `:${String(where.line + 1)}:${String(where.character + 1)}`;
      throw new Error(
        `${source}${at}: ${ts.flattenDiagnosticMessageText(problem.messageText, '\n')}`,
      );
    }
    const map: unknown = JSON.parse(result.sourceMapText ?? '{}');
    const sourceMap = typeof map === 'object' && map !== null ? map : {};
    const inline = Buffer.from(
      JSON.stringify({
        ...sourceMap,
        file: pathToFileURL(outFile).href,
        sourceRoot: '',
        sources: [relativeSpecifier(outFile, source)],
      }),
    ).toString('base64');
    const code = result.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '');
    return {
      code,
      sourceMapComment: `//# sourceMappingURL=data:application/json;base64,${inline}`,
      deps,
    };
  };
}
