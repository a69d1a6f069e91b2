/**
 * A small non-validating XML reader for WS-Man SOAP: elements, attributes, text, entities, CDATA.
 * Names are kept by local name (prefixes dropped) because WS-Man peers choose prefixes freely.
 */

/** One element. */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/** Thrown for input that is not well-formed enough to read. */
export class XmlError extends Error {
  override name = "XmlError";
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decode(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (all, e: string) => {
    if (e[0] === "#")
      return String.fromCodePoint(e[1] === "x" ? Number.parseInt(e.slice(2), 16) : Number(e.slice(1)));
    return ENTITIES[e] ?? all;
  });
}

const local = (qname: string) => qname.slice(qname.indexOf(":") + 1);

/** Escape text for element content or a double-quoted attribute. */
export function escapeXml(s: string): string {
  return s.replace(/[<>&"]/g, (c) => `&${c === "<" ? "lt" : c === ">" ? "gt" : c === "&" ? "amp" : "quot"};`);
}

/** Parse a document and return its root element. */
export function parseXml(src: string): XmlNode {
  const root: XmlNode = { name: "#document", attrs: {}, children: [], text: "" };
  const stack: XmlNode[] = [root];
  let i = 0;
  const tag = /<([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
  const attr = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  while (i < src.length) {
    const lt = src.indexOf("<", i);
    const top = stack[stack.length - 1] as XmlNode;
    if (lt < 0) {
      top.text += decode(src.slice(i));
      break;
    }
    if (lt > i) top.text += decode(src.slice(i, lt));
    if (src.startsWith("<?", lt) || src.startsWith("<!--", lt)) {
      const end = src.indexOf(src[lt + 1] === "?" ? "?>" : "-->", lt);
      if (end < 0) throw new XmlError("unterminated declaration or comment");
      i = end + (src[lt + 1] === "?" ? 2 : 3);
    } else if (src.startsWith("<![CDATA[", lt)) {
      const end = src.indexOf("]]>", lt);
      if (end < 0) throw new XmlError("unterminated CDATA");
      top.text += src.slice(lt + 9, end);
      i = end + 3;
    } else if (src[lt + 1] === "/") {
      const end = src.indexOf(">", lt);
      const name = local(src.slice(lt + 2, end).trim());
      if (end < 0 || stack.length < 2 || top.name !== name) throw new XmlError(`unexpected </${name}>`);
      stack.pop();
      i = end + 1;
    } else {
      tag.lastIndex = lt;
      const m = tag.exec(src);
      if (!m) throw new XmlError(`malformed tag at offset ${lt}`);
      const node: XmlNode = { name: local(m[1] as string), attrs: {}, children: [], text: "" };
      for (const a of (m[2] ?? "").matchAll(attr))
        node.attrs[local(a[1] as string)] = decode(a[2] ?? a[3] ?? "");
      top.children.push(node);
      if (!m[3]) stack.push(node);
      i = tag.lastIndex;
    }
  }
  if (stack.length !== 1) throw new XmlError(`unclosed <${stack[stack.length - 1]?.name}>`);
  const el = root.children[0];
  if (!el) throw new XmlError("document has no root element");
  return el;
}

/** First descendant (depth-first, self included) with this local name. */
export function findXml(node: XmlNode, name: string): XmlNode | undefined {
  if (node.name === name) return node;
  for (const c of node.children) {
    const f = findXml(c, name);
    if (f) return f;
  }
  return undefined;
}

/** Every descendant with this local name, in document order. */
export function findAllXml(node: XmlNode, name: string, out: XmlNode[] = []): XmlNode[] {
  if (node.name === name) out.push(node);
  for (const c of node.children) findAllXml(c, name, out);
  return out;
}
