/** One file of a deterministic archive. */
export interface TarEntry {
  path: string;
  data: Uint8Array;
  /** 0o644 unless given (0o755 for a script the reader runs). */
  mode?: number;
}

const BLOCK = 512;

function octal(n: number, width: number): string {
  return `${n.toString(8).padStart(width - 1, "0")}\0`;
}

function header(path: string, size: number, mode: number, mtime: number): Uint8Array {
  const h = new Uint8Array(BLOCK);
  const enc = new TextEncoder();
  const name = enc.encode(path);
  // ustar splits long names into prefix/name; the kit's paths are short, so refuse rather than split.
  if (name.length > 100) throw new Error(`tar: path ${path} is longer than 100 bytes`);
  const put = (text: string, at: number) => h.set(enc.encode(text), at);
  h.set(name, 0);
  put(octal(mode, 8), 100);
  put(octal(0, 8), 108); // uid
  put(octal(0, 8), 116); // gid
  put(octal(size, 12), 124);
  put(octal(mtime, 12), 136);
  put("        ", 148); // checksum field counts as spaces while summing
  put("0", 156); // regular file
  put("ustar\u000000", 257);
  let sum = 0;
  for (const b of h) sum += b;
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return h;
}

/**
 * A POSIX ustar archive of `entries` in the order given, every header fixed (uid/gid 0, no owner
 * names, the one `mtime` given, mode 0644 or as set) and no compression, so the same entries always
 * give the same bytes.
 */
export function tarArchive(entries: TarEntry[], mtime: number): Uint8Array<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const e of entries) {
    const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
    parts.push(header(e.path, e.data.length, e.mode ?? 0o644, mtime), e.data, new Uint8Array(pad));
    total += BLOCK + e.data.length + pad;
  }
  parts.push(new Uint8Array(2 * BLOCK));
  total += 2 * BLOCK;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
