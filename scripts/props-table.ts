/**
 * The README's table of the construct's props, generated from their JSDoc: PresignedUrlNonceProps' own
 * members (lib/presigned-url-nonce.ts), then the options it extends (lib/options.ts), each with its type,
 * its `@default` and its description. test/unit/docs/props-table.test.ts holds the README equal to it;
 * `npm run docs:props` rewrites the README's table after a change to the props.
 *
 * The files are parsed, not type-checked: the table needs only what is written, and parsing takes
 * milliseconds where a program with aws-cdk-lib's declarations takes seconds.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Where the table sits in README.md. */
export const PROPS_TABLE_BEGIN = '<!-- props-table:begin (npm run docs:props) -->';
export const PROPS_TABLE_END = '<!-- props-table:end -->';

/** The interfaces whose members are the props, in the order the table lists them. */
const SOURCES = [
  { file: 'lib/presigned-url-nonce.ts', name: 'PresignedUrlNonceProps' },
  { file: 'lib/options.ts', name: 'PresignedUrlNonceOptions' },
] as const;

export interface PropDoc {
  readonly name: string;
  readonly type: string;
  readonly defaultValue: string;
  readonly description: string;
}

const flatten = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

const commentText = (comment: string | ts.NodeArray<ts.JSDocComment> | undefined): string =>
  typeof comment === 'string' ? comment : (comment ?? []).map((part) => part.text).join('');

/** The documented members of one interface, as written. */
const membersOf = (file: string, name: string): PropDoc[] => {
  const path = `${REPO_ROOT}${file}`;
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
  const declaration = source.statements.find(
    (statement): statement is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(statement) && statement.name.text === name,
  );
  if (declaration === undefined) throw new Error(`${file} declares no interface ${name}`);
  return declaration.members.filter(ts.isPropertySignature).map((member) => {
    const propName = member.name.getText(source);
    const [doc] = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
    const defaultTag = doc?.tags?.find((tag) => tag.tagName.text === 'default');
    if (doc === undefined || defaultTag === undefined) {
      throw new Error(`${file}: ${name}.${propName} needs a JSDoc comment with @default`);
    }
    return {
      name: propName,
      type: flatten(member.type?.getText(source) ?? 'unknown'),
      defaultValue: flatten(commentText(defaultTag.comment)),
      description: flatten(commentText(doc.comment)),
    };
  });
};

export const propDocs = (): PropDoc[] => SOURCES.flatMap(({ file, name }) => membersOf(file, name));

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** `@default - words` describes the default (the CDK convention); anything else is the value itself. */
const defaultCell = (value: string): string => (value.startsWith('- ') ? cell(value.slice(2)) : `\`${cell(value)}\``);

/** The Markdown table, between its markers. */
export const propsTable = (): string =>
  [
    PROPS_TABLE_BEGIN,
    '| prop | type | default | meaning |',
    '|---|---|---|---|',
    ...propDocs().map(
      (prop) =>
        `| \`${prop.name}\` | \`${cell(prop.type)}\` | ${defaultCell(prop.defaultValue)} | ${cell(prop.description)} |`,
    ),
    PROPS_TABLE_END,
  ].join('\n');

/** The README's table as it is now, markers included. */
export const readmePropsTable = (readme: string): string | undefined => {
  const begin = readme.indexOf(PROPS_TABLE_BEGIN);
  const end = readme.indexOf(PROPS_TABLE_END);
  return begin === -1 || end === -1 ? undefined : readme.slice(begin, end + PROPS_TABLE_END.length);
};

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const path = `${REPO_ROOT}README.md`;
  const readme = readFileSync(path, 'utf8');
  const current = readmePropsTable(readme);
  if (current === undefined) throw new Error(`README.md has no ${PROPS_TABLE_BEGIN} … ${PROPS_TABLE_END}`);
  writeFileSync(path, readme.replace(current, propsTable()));
}
