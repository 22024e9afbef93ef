import type { Type } from 'avsc';

/**
 * How much a body may make the decoder build beyond what its own bytes pay for. Every other claim a
 * body makes (a block count, a string length) is checked against the bytes it has left.
 */
export interface AvroLimits {
  /** Records, arrays and maps nested in one another; guards recursive schemas and the stack. Default 64. */
  maxDepth?: number;
  /**
   * Items of a type whose smallest encoding is zero bytes (null, an empty record, fixed of size 0) cost a
   * body nothing to claim, so their number, summed over the whole body, has a cap instead. Default 10,000.
   */
  maxZeroSizeItems?: number;
}

const DEFAULT_MAX_DEPTH = 64;
const DEFAULT_MAX_ZERO_SIZE_ITEMS = 10_000;

/** A body claims more than its bytes can hold, or does not match its writer's schema. Names the field and the numbers. */
export class AvroBoundsError extends Error {
  constructor(
    /** Where in the value, e.g. `items[2].sku`; `(body)` for the body as a whole. */
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = 'AvroBoundsError';
  }
}

/**
 * Decodes an Avro body with its writer's type, after {@link checkAvroBody} has made sure that decoding
 * cannot build more than the body's size (and the limits) allow: avsc allocates every item a block count
 * claims before it notices that the body is short. Errors from avsc itself (e.g. a long beyond 2^53) propagate unchanged.
 */
export function decodeAvroBody(type: Type, body: Buffer, limits?: AvroLimits): unknown {
  checkAvroBody(type, body, limits);
  return type.fromBuffer(body);
}

/**
 * Walks the body against the writer's type without building any value, and throws {@link AvroBoundsError}
 * at the first claim its bytes cannot back: a count or a length beyond the bytes left, an index out of
 * range, a varint too long, nesting too deep, bytes left over at the end.
 */
export function checkAvroBody(type: Type, body: Buffer, limits?: AvroLimits): void {
  const walk = new BodyWalk(
    body,
    limits?.maxDepth ?? DEFAULT_MAX_DEPTH,
    limits?.maxZeroSizeItems ?? DEFAULT_MAX_ZERO_SIZE_ITEMS,
  );
  try {
    walk.run(programOf(type), 0);
    if (walk.pos !== body.length) {
      const trailing = body.length - walk.pos;
      throw new OutOfBounds(`${trailing} trailing byte${trailing === 1 ? '' : 's'} after the value`);
    }
  } catch (error) {
    if (error instanceof OutOfBounds) throw new AvroBoundsError(error.path(), error.problem);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------
// Programs: how to walk a value of each type, worked out once per avsc Type.

const enum Op {
  Boolean,
  Int,
  Long,
  Float,
  Double,
  LengthPrefixed, // bytes or string
  Fixed,
  Enum,
  Union,
  Array,
  Map,
  /** A record that contains itself, with no union, array or map in between: no finite body encodes it. */
  Unencodable,
}

/**
 * The steps that walk one value of a type. A record's encoding is its fields' encodings one after
 * another, so nested records are flattened into their parent's steps: only unions, arrays and maps
 * run another program, which keeps a PaymentCompleted to one loop and a few calls.
 */
class Program {
  readonly steps: Step[] = [];
  /** The fewest bytes a value can be encoded in; Infinity until settled, and for a type no finite body encodes. */
  minSize = Infinity;
  /** Records nested in one another within the program (1 for a flat record, 0 for a primitive). */
  depth = 0;
}

class Step {
  constructor(
    readonly op: Op,
    /** From the program's value to this step's, e.g. `.shippingAddress.city`; empty at the top. */
    readonly path: string,
    /** Records enclosing this step within its program. */
    readonly depth: number,
    /** Fixed: its size. Enum: its symbol count. Union: its branch count. */
    readonly size: number,
    /** Array items or map values. */
    readonly element: Program | null,
    readonly branches: Program[],
  ) {}
}

/** The parts of avsc's Type API the walk reads; avsc's typings declare them only on the subclasses. */
interface AvscType {
  typeName: string;
  itemsType?: AvscType;
  valuesType?: AvscType;
  types?: AvscType[];
  fields?: Array<{ name: string; type: AvscType }>;
  size?: number;
  symbols?: string[];
  underlyingType?: AvscType;
}

const programs = new WeakMap<AvscType, Program>();

function programOf(type: Type): Program {
  const avscType = type as unknown as AvscType;
  return programs.get(avscType) ?? compileTypeGraph(avscType);
}

/** Compiles every type reachable from `root` that has no program yet, and caches them only once all are complete. */
function compileTypeGraph(root: AvscType): Program {
  const compiled = new Map<AvscType, Program>();
  const program = compile(root, compiled);
  settleMinimumSizes([...compiled.values()]);
  for (const [type, typeProgram] of compiled) programs.set(type, typeProgram);
  programs.set(root, program); // `root` itself is missing when it is a logical type.
  return program;
}

function compile(type: AvscType, compiled: Map<AvscType, Program>): Program {
  const encoded = encodedType(type);
  const known = programs.get(encoded) ?? compiled.get(encoded);
  if (known) return known;
  const program = new Program();
  // Registered before its steps are, so that a recursive reference finds it.
  compiled.set(encoded, program);
  appendSteps(encoded, program, '', 0, [], compiled);
  return program;
}

/** A logical type is encoded as its underlying type; only the value avsc builds from it differs. */
function encodedType(type: AvscType): AvscType {
  while (type.typeName.startsWith('logical:')) type = type.underlyingType!;
  return type;
}

function appendSteps(
  type: AvscType,
  program: Program,
  path: string,
  depth: number,
  enclosingRecords: AvscType[],
  compiled: Map<AvscType, Program>,
): void {
  const add = (op: Op, size = 0, element: Program | null = null, branches: Program[] = []) =>
    program.steps.push(new Step(op, path, depth, size, element, branches));
  type = encodedType(type);
  switch (type.typeName) {
    case 'null':
      return; // Encoded as nothing.
    case 'boolean':
      return void add(Op.Boolean);
    case 'int':
      return void add(Op.Int);
    case 'long':
    case 'abstract:long': // LongType.__with, e.g. for bigint: the same varint on the wire.
      return void add(Op.Long);
    case 'float':
      return void add(Op.Float);
    case 'double':
      return void add(Op.Double);
    case 'bytes':
    case 'string':
      return void add(Op.LengthPrefixed);
    case 'fixed':
      if (type.size! > 0) add(Op.Fixed, type.size);
      return;
    case 'enum':
      return void add(Op.Enum, type.symbols!.length);
    case 'union:unwrapped':
    case 'union:wrapped': {
      const branches = type.types!.map((branch) => compile(branch, compiled));
      return void add(Op.Union, branches.length, null, branches);
    }
    case 'array':
      return void add(Op.Array, 0, compile(type.itemsType!, compiled));
    case 'map':
      return void add(Op.Map, 0, compile(type.valuesType!, compiled));
    case 'record':
    case 'error': {
      if (enclosingRecords.includes(type)) return void add(Op.Unencodable);
      program.depth = Math.max(program.depth, depth + 1);
      for (const field of type.fields!) {
        appendSteps(field.type, program, `${path}.${field.name}`, depth + 1, [...enclosingRecords, type], compiled);
      }
      return;
    }
  }
  throw new Error(`checkAvroBody cannot walk avsc type ${type.typeName}`);
}

/**
 * Minimum sizes depend on each other and, in recursive schemas, on themselves: they start at Infinity
 * and only ever decrease, so repeating until nothing changes finds the true minimum.
 */
function settleMinimumSizes(added: Program[]): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (const program of added) {
      const size = program.steps.reduce((sum, step) => sum + minimumSize(step), 0);
      if (size < program.minSize) {
        program.minSize = size;
        changed = true;
      }
    }
  }
}

function minimumSize(step: Step): number {
  switch (step.op) {
    case Op.Float:
      return 4;
    case Op.Double:
      return 8;
    case Op.Fixed:
      return step.size;
    case Op.Union:
      return 1 + Math.min(...step.branches.map((branch) => branch.minSize));
    case Op.Unencodable:
      return Infinity;
    default:
      // A boolean, a varint, a length prefix, or an array's or map's end marker: one byte at least.
      return 1;
  }
}

// ---------------------------------------------------------------------------------------------------
// The walk: a cursor over the body that runs programs and allocates nothing on the way.

const INT_VARINT_BYTES = 5;
const LONG_VARINT_BYTES = 10;

/** Thrown inside the walk; each enclosing program adds its part of the path on the way out. */
class OutOfBounds {
  /** Innermost first. */
  private readonly segments: string[] = [];

  constructor(readonly problem: string) {}

  within(segment: string): this {
    this.segments.push(segment);
    return this;
  }

  path(): string {
    const path = this.segments.reverse().join('');
    return path.startsWith('.') ? path.slice(1) : path || '(body)';
  }
}

/** Adds `segment` to the path of a walk error, and lets any other error through as it is. */
function within(error: unknown, segment: string): unknown {
  return error instanceof OutOfBounds ? error.within(segment) : error;
}

class BodyWalk {
  pos = 0;
  private zeroSizeItems = 0;

  constructor(
    private readonly body: Buffer,
    private readonly maxDepth: number,
    private readonly maxZeroSizeItems: number,
  ) {}

  /** Walks one value; `depth` counts the records, arrays and maps around it. */
  run(program: Program, depth: number): void {
    if (depth + program.depth > this.maxDepth) throw new OutOfBounds(`nested deeper than ${this.maxDepth} levels`);
    const steps = program.steps;
    let i = 0;
    // One try per value rather than per step: the path is only built when something is refused.
    try {
      for (; i < steps.length; i++) {
        const step = steps[i];
        switch (step.op) {
          case Op.Boolean:
            this.skip(1, 'a boolean');
            break;
          case Op.Int:
            this.varint(INT_VARINT_BYTES);
            break;
          case Op.Long:
            this.varint(LONG_VARINT_BYTES);
            break;
          case Op.Float:
            this.skip(4, 'a float');
            break;
          case Op.Double:
            this.skip(8, 'a double');
            break;
          case Op.LengthPrefixed:
            this.skipLengthPrefixed();
            break;
          case Op.Fixed:
            this.skip(step.size, 'a fixed');
            break;
          case Op.Enum:
            this.index(step.size, 'enum index', 'symbols');
            break;
          case Op.Union: {
            const branch = step.branches[this.index(step.size, 'union branch', 'branches')];
            if (branch.steps.length > 0) this.run(branch, depth + step.depth);
            break;
          }
          case Op.Array:
          case Op.Map:
            this.blocks(step, depth + step.depth + 1);
            break;
          case Op.Unencodable:
            throw new OutOfBounds('a record that contains itself has no finite encoding');
        }
      }
    } catch (error) {
      throw within(error, steps[i].path);
    }
  }

  /** An array's or a map's blocks: each a count, for a negative count a byte size, then the items; a count of 0 ends. */
  private blocks(step: Step, depth: number): void {
    if (depth > this.maxDepth) throw new OutOfBounds(`nested deeper than ${this.maxDepth} levels`);
    const element = step.element!;
    const isMap = step.op === Op.Map;
    // A map entry is a key (a length prefix, at least one byte) and a value.
    const entrySize = isMap ? 1 + element.minSize : element.minSize;
    const noun = isMap ? 'entries' : 'items';
    const walksElement = element.steps.length > 0;
    let index = 0;
    let keyStart = -1;
    let keyEnd = -1;
    for (;;) {
      let count = this.varint(LONG_VARINT_BYTES);
      if (count === 0) return;
      let blockEnd = -1;
      if (count < 0) {
        count = -count;
        blockEnd = this.blockSize(count, noun) + this.pos;
      }
      this.checkCount(count, entrySize, blockEnd, noun);
      const blockStart = this.pos;
      const end = index + count;
      try {
        for (; index < end; index++) {
          if (isMap) {
            keyStart = -1;
            const keyLength = this.length();
            keyStart = this.pos;
            keyEnd = keyStart + keyLength;
            this.pos = keyEnd;
          }
          if (walksElement) this.run(element, depth);
        }
      } catch (error) {
        throw within(error, keyStart >= 0 ? `[${this.keyAt(keyStart, keyEnd)}]` : `[${index}]`);
      }
      if (blockEnd >= 0 && this.pos !== blockEnd) {
        throw new OutOfBounds(
          `a block of ${count} ${noun} declares ${blockEnd - blockStart} bytes but they take ${this.pos - blockStart}`,
        );
      }
    }
  }

  /** A negative count is followed by the block's byte size, which must fit in the body. */
  private blockSize(count: number, noun: string): number {
    const size = this.varint(LONG_VARINT_BYTES);
    const left = this.body.length - this.pos;
    if (size < 0) throw new OutOfBounds(`a block of ${count} ${noun} declares a negative size (${size})`);
    if (size > left) throw new OutOfBounds(`a block of ${count} ${noun} declares ${size} bytes, ${left} left`);
    return size;
  }

  private checkCount(count: number, entrySize: number, blockEnd: number, noun: string): void {
    if (entrySize === 0) {
      // Nothing in the body pays for these, so only an absolute cap stops a count of 10^9 nulls.
      this.zeroSizeItems += count;
      if (this.zeroSizeItems > this.maxZeroSizeItems) {
        throw new OutOfBounds(
          `a block of ${count} ${noun} of zero encoded size takes the body past the limit of ${this.maxZeroSizeItems} such items`,
        );
      }
      return;
    }
    const room = blockEnd >= 0 ? blockEnd - this.pos : this.body.length - this.pos;
    if (count * entrySize > room) {
      const where = blockEnd >= 0 ? `its declared size is ${room}` : `${room} left`;
      throw new OutOfBounds(`a block of ${count} ${noun} needs at least ${count * entrySize} bytes, ${where}`);
    }
  }

  private skipLengthPrefixed(): void {
    const length = this.length();
    this.pos += length;
  }

  /** A string's or bytes' length prefix: not negative, and no more than the bytes left. */
  private length(): number {
    const length = this.varint(LONG_VARINT_BYTES);
    if (length < 0 || length > this.body.length - this.pos) throw this.lengthOutOfBounds(length);
    return length;
  }

  private lengthOutOfBounds(length: number): OutOfBounds {
    if (length < 0) return new OutOfBounds(`a negative length (${length})`);
    return new OutOfBounds(`a length of ${length} bytes, ${this.body.length - this.pos} left`);
  }

  /** An enum's symbol or a union's branch: an int in [0, count). */
  private index(count: number, what: string, of: string): number {
    const index = this.varint(INT_VARINT_BYTES);
    if (index < 0 || index >= count) throw new OutOfBounds(`${what} ${index} out of range (${count} ${of})`);
    return index;
  }

  private skip(size: number, what: string): void {
    const left = this.body.length - this.pos;
    if (size > left) throw new OutOfBounds(`truncated: ${what} needs ${size} bytes, ${left} left`);
    this.pos += size;
  }

  /** A zigzag varint. Most (small ints, lengths, counts, indexes) are one byte, so that case is kept small enough to inline. */
  private varint(maxBytes: number): number {
    const byte = this.body[this.pos];
    // Past the end `byte` is undefined, and `undefined < 0x80` is false.
    if (byte < 0x80) {
      this.pos++;
      return (byte >> 1) ^ -(byte & 1);
    }
    return this.multiByteVarint(maxBytes);
  }

  /**
   * As avsc reads it: integer arithmetic for the first 28 bits, then floating point (exact up to 2^53,
   * and magnitude is all a count or a length needs beyond that). An int takes at most 5 bytes, a long 10;
   * a last byte with bits beyond 32 or 64 is refused too.
   */
  private multiByteVarint(maxBytes: number): number {
    const body = this.body;
    const start = this.pos;
    const end = body.length;
    let pos = start;
    let n = 0;
    let shift = 0;
    let byte: number;
    do {
      if (pos === end) throw new OutOfBounds('truncated: a varint runs past the end of the body');
      byte = body[pos++];
      n |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80 && shift < 28);
    if (!(byte & 0x80)) {
      this.pos = pos;
      return (n >> 1) ^ -(n & 1);
    }
    let f = n;
    let scale = 268435456; // 2^28
    do {
      if (pos - start === maxBytes) throw new OutOfBounds(`a varint longer than ${maxBytes} bytes`);
      if (pos === end) throw new OutOfBounds('truncated: a varint runs past the end of the body');
      byte = body[pos++];
      f += (byte & 0x7f) * scale;
      scale *= 128;
    } while (byte & 0x80);
    if (pos - start === maxBytes && byte > (maxBytes === INT_VARINT_BYTES ? 0x0f : 0x01)) {
      throw new OutOfBounds(`a varint beyond ${maxBytes === INT_VARINT_BYTES ? 32 : 64} bits`);
    }
    this.pos = pos;
    return f % 2 ? -(f + 1) / 2 : f / 2;
  }

  /** A map key for an error path, quoted, cut short if long. */
  private keyAt(start: number, end: number): string {
    const key = this.body.toString('utf8', start, Math.min(end, start + 40));
    return JSON.stringify(end - start > 40 ? `${key}…` : key);
  }
}
