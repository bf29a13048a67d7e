// Internal: a dictionary of byte strings for the CSV reader. A field's bytes are hashed in place
// (FNV-1a) and looked up in an open-addressing table whose keys live in one byte arena, so a value
// seen before costs no allocation at all. A new value is only checked for valid UTF-8 (ASCII without
// decoding); the JavaScript strings are decoded once, when `values` is first read after parsing, so
// no string lives through the parse (they would survive every young-generation collection and make
// the engine grow its heap while the columns fill).

const FATAL = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const LENIENT = new TextDecoder('utf-8', { ignoreBOM: true });

/** Decodes UTF-8 bytes; `null` when they are not valid UTF-8. */
export function decodeStrict(b: Uint8Array): string | null {
  try {
    return FATAL.decode(b);
  } catch {
    return null;
  }
}

/** Decodes UTF-8 bytes, replacing invalid sequences by U+FFFD. */
export function decodeLenient(b: Uint8Array): string {
  return LENIENT.decode(b);
}

/** FNV-1a (32-bit) starting value and multiplier. */
export const FNV_OFFSET = -2128831035;
export const FNV_PRIME = 16777619;

/** Distinct byte strings → dense codes 0, 1, 2… in order of first appearance. */
export class ByteDictionary {
  /** Values decoded so far (see {@link ByteDictionary.values}). */
  private decoded: string[] = [];
  private count = 0;
  /** 1 where the value's bytes were not valid UTF-8. */
  invalid = new Uint8Array(16);
  private arena = new Uint8Array(1 << 12);
  private used = 0;
  private starts: Int32Array<ArrayBuffer> = new Int32Array(16);
  private lengths: Int32Array<ArrayBuffer> = new Int32Array(16);
  private hashes: Int32Array<ArrayBuffer> = new Int32Array(16);
  /** Slot → code + 1 (0: empty). */
  private slots = new Int32Array(64);
  private mask = 63;

  /** Number of distinct values. */
  get size(): number {
    return this.count;
  }

  /** The decoded values, by code (invalid UTF-8 decoded with U+FFFD); decoded on first read, then extended. */
  get values(): string[] {
    for (let code = this.decoded.length; code < this.count; code++) this.decoded.push(this.value(code));
    return this.decoded;
  }

  /** Value `code` decoded (invalid UTF-8 with U+FFFD). */
  value(code: number): string {
    if (code < this.decoded.length) return this.decoded[code] as string;
    const bytes = this.bytes(code);
    return this.invalid[code] === 1 ? decodeLenient(bytes) : (decodeStrict(bytes) as string);
  }

  /** The code of the bytes `b[s, e)`, adding them when new. */
  intern(b: Uint8Array, s: number, e: number): number {
    let h = FNV_OFFSET;
    for (let i = s; i < e; i++) h = Math.imul(h ^ (b[i] as number), FNV_PRIME);
    return this.internHashed(b, s, e, h);
  }

  /** {@link intern} for bytes whose FNV-1a hash (from `FNV_OFFSET`, times `FNV_PRIME`) is known. */
  internHashed(b: Uint8Array, s: number, e: number, h: number): number {
    const len = e - s;
    const mask = this.mask;
    const slots = this.slots;
    let slot = h & mask;
    for (;;) {
      const entry = slots[slot] as number;
      if (entry === 0) break;
      const code = entry - 1;
      if (this.hashes[code] === h && this.lengths[code] === len) {
        const arena = this.arena;
        let at = this.starts[code] as number;
        let i = s;
        while (i < e && arena[at] === b[i]) {
          at++;
          i++;
        }
        if (i === e) return code;
      }
      slot = (slot + 1) & mask;
    }
    return this.add(b, s, e, h, slot);
  }

  private add(b: Uint8Array, s: number, e: number, h: number, slot: number): number {
    const code = this.count;
    const len = e - s;
    if (this.used + len > this.arena.length) {
      const next = new Uint8Array(Math.max(this.arena.length * 2, this.used + len));
      next.set(this.arena.subarray(0, this.used));
      this.arena = next;
    }
    this.arena.set(b.subarray(s, e), this.used);
    if (code === this.starts.length) {
      this.starts = grow(this.starts);
      this.lengths = grow(this.lengths);
      this.hashes = grow(this.hashes);
      const invalid = new Uint8Array(this.invalid.length * 2);
      invalid.set(this.invalid);
      this.invalid = invalid;
    }
    this.starts[code] = this.used;
    this.lengths[code] = len;
    this.hashes[code] = h;
    this.used += len;
    let ascii = true;
    for (let i = s; i < e && ascii; i++) ascii = (b[i] as number) < 0x80;
    if (!ascii && decodeStrict(b.subarray(s, e)) === null) this.invalid[code] = 1;
    this.count++;
    this.slots[slot] = code + 1;
    if ((code + 1) * 2 > this.mask) this.rehash();
    return code;
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    const mask = size - 1;
    const slots = new Int32Array(size);
    for (let code = 0; code < this.count; code++) {
      let slot = (this.hashes[code] as number) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = code + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }

  /** The bytes of value `code` (a view into the arena). */
  bytes(code: number): Uint8Array {
    const start = this.starts[code] as number;
    return this.arena.subarray(start, start + (this.lengths[code] as number));
  }
}

function grow(a: Int32Array): Int32Array<ArrayBuffer> {
  const next = new Int32Array(a.length * 2);
  next.set(a);
  return next;
}
