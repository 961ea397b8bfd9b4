/**
 * Station signing keys (Ed25519, node:crypto; signatures checked by libsodium when its binding
 * loads): made once by `loaxa keys init`, kept in the station's keys/ folder, the private key
 * readable by its owner only (as ssh demands).
 */
import { createRequire } from 'node:module';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, LoaxaError, makeFolders } from '../i18n/index.js';

export const PRIVATE_KEY_FILE = 'station.key';
export const PUBLIC_KEY_FILE = 'station.pub';

export interface StationKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Raw 32-byte public key, base64 — the form stored in seals and bundles. */
  publicKeyBase64: string;
  fingerprint: string;
  privatePath: string;
  publicPath: string;
}

export interface PublicKeyInfo {
  publicKey: KeyObject;
  publicKeyBase64: string;
  fingerprint: string;
}

/** A public key given as raw base64 (32 bytes), PEM text, raw bytes or a KeyObject. */
export type PublicKeyLike = string | Buffer | KeyObject;

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

// Verifying a year of seals meets the same key 365 times: parse each raw key once.
const keyObjects = new Map<string, KeyObject>();

/** Raw 32 bytes from a base64 text, or null when it is not one. */
function rawFromBase64(text: string): Buffer | null {
  const raw = Buffer.from(text.trim(), 'base64');
  return raw.length === 32 ? raw : null;
}

/** Parse any accepted public key form; throws LoaxaError for garbage. */
export function toPublicKey(key: PublicKeyLike): KeyObject {
  try {
    if (typeof key === 'object' && !Buffer.isBuffer(key)) return key.type === 'private' ? createPublicKey(key) : key;
    if (typeof key === 'string' && key.includes('-----BEGIN')) return createPublicKey(key);
    const raw = typeof key === 'string' ? rawFromBase64(key) : key;
    if (!raw || raw.length !== 32) throw new Error('not 32 bytes');
    const id = raw.toString('base64');
    let obj = keyObjects.get(id);
    if (!obj) {
      obj = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
      if (keyObjects.size > 1000) keyObjects.clear();
      keyObjects.set(id, obj);
    }
    return obj;
  } catch {
    throw new LoaxaError('journal.keys.badPublic', {}, EXIT.INVALID);
  }
}

/** Raw 32 bytes of an Ed25519 public key. */
export function rawPublicKey(key: PublicKeyLike): Buffer {
  if (typeof key === 'string' && !key.includes('-----BEGIN')) {
    const raw = rawFromBase64(key);
    if (!raw) throw new LoaxaError('journal.keys.badPublic', {}, EXIT.INVALID);
    return raw;
  }
  if (Buffer.isBuffer(key)) {
    if (key.length !== 32) throw new LoaxaError('journal.keys.badPublic', {}, EXIT.INVALID);
    return key;
  }
  const der = toPublicKey(key).export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32);
}

export function publicKeyBase64(key: PublicKeyLike): string {
  return rawPublicKey(key).toString('base64');
}

/** Short, stable fingerprint the district registers: first 16 hex of sha256(raw key), in groups of 4. */
export function fingerprint(key: PublicKeyLike): string {
  const hex = createHash('sha256').update(rawPublicKey(key)).digest('hex').slice(0, 16);
  return hex.match(/.{4}/g)!.join(':');
}

function publicInfo(publicKey: KeyObject): PublicKeyInfo {
  return { publicKey, publicKeyBase64: publicKeyBase64(publicKey), fingerprint: fingerprint(publicKey) };
}

/** Make the station's key pair; refuses to overwrite an existing one. */
export function initStationKeys(keysDir: string): StationKeys {
  const privatePath = join(keysDir, PRIVATE_KEY_FILE);
  const publicPath = join(keysDir, PUBLIC_KEY_FILE);
  if (existsSync(privatePath) || existsSync(publicPath)) {
    throw new LoaxaError('journal.keys.exists', { path: keysDir }, EXIT.INVALID);
  }
  makeFolders(keysDir, 0o700);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  // 'wx': fail rather than overwrite if another process made the key in between.
  writeFileSync(privatePath, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
  chmodSync(privatePath, 0o600); // the umask cannot widen it, but be explicit
  writeFileSync(publicPath, publicKey.export({ format: 'pem', type: 'spki' }), { mode: 0o644, flag: 'wx' });
  return { privateKey, privatePath, publicPath, ...publicInfo(publicKey) };
}

/** The station's public key only (for verification; needs no private key). */
export function loadPublicKey(keysDir: string): PublicKeyInfo {
  const publicPath = join(keysDir, PUBLIC_KEY_FILE);
  if (!existsSync(publicPath)) throw new LoaxaError('journal.keys.missing', { path: keysDir }, EXIT.INVALID);
  return publicInfo(toPublicKey(readFileSync(publicPath, 'utf8')));
}

/** Load the pair for signing; refuses a private key that group or others can read. */
export function loadStationKeys(keysDir: string): StationKeys {
  const privatePath = join(keysDir, PRIVATE_KEY_FILE);
  const publicPath = join(keysDir, PUBLIC_KEY_FILE);
  if (!existsSync(privatePath)) throw new LoaxaError('journal.keys.missing', { path: keysDir }, EXIT.INVALID);
  const mode = statSync(privatePath).mode & 0o777;
  if (mode & 0o077) {
    throw new LoaxaError('journal.keys.tooOpen', { path: privatePath, mode: mode.toString(8).padStart(4, '0') }, EXIT.INVALID);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(readFileSync(privatePath, 'utf8'));
  } catch {
    throw new LoaxaError('journal.keys.badPrivate', { path: privatePath }, EXIT.INVALID);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new LoaxaError('journal.keys.badPrivate', { path: privatePath }, EXIT.INVALID);
  const publicKey = createPublicKey(privateKey);
  // A keys/station.pub that does not belong to the private key would make every seal look forged.
  if (existsSync(publicPath) && publicKeyBase64(readFileSync(publicPath, 'utf8')) !== publicKeyBase64(publicKey)) {
    throw new LoaxaError('journal.keys.pairMismatch', { path: keysDir }, EXIT.INVALID);
  }
  return { privateKey, privatePath, publicPath, ...publicInfo(publicKey) };
}

/** Ed25519 signature (base64) over a UTF-8 message. */
export function signText(privateKey: KeyObject, text: string): string {
  return sign(null, Buffer.from(text, 'utf8'), privateKey).toString('base64');
}

export function verifyText(publicKey: PublicKeyLike, text: string, signatureBase64: string): boolean {
  try {
    const signature = Buffer.from(signatureBase64, 'base64');
    const fast = sodiumVerify();
    if (fast) {
      return signature.length === 64 && fast(signature, Buffer.from(text, 'utf8'), rawPublicKey(publicKey));
    }
    return verify(null, Buffer.from(text, 'utf8'), toPublicKey(publicKey), signature);
  } catch {
    return false;
  }
}

type Ed25519Verify = (signature: Buffer, message: Buffer, rawPublicKey: Buffer) => boolean;
let sodium: Ed25519Verify | null | undefined;

/**
 * libsodium's Ed25519 check (the optional sodium-native binding), loaded on first use: ~50 µs a
 * signature against ~106 µs for OpenSSL 3's here, and a district-year holds ~11,000 seals. It
 * answers as node:crypto does for every signature loaxa makes (it is stricter only about
 * malformed keys and signatures no signer produces). Where the binding is missing or does not
 * load (no prebuilt for the machine), node:crypto checks instead; LOAXA_ED25519=node asks for
 * that anyway.
 */
function sodiumVerify(): Ed25519Verify | null {
  if (sodium !== undefined) return sodium;
  sodium = null;
  if (process.env.LOAXA_ED25519 === 'node') return sodium;
  try {
    const lib = createRequire(import.meta.url)('sodium-native') as { crypto_sign_verify_detached(sig: Buffer, msg: Buffer, pk: Buffer): boolean };
    sodium = (sig, msg, pk) => lib.crypto_sign_verify_detached(sig, msg, pk);
  } catch {
    sodium = null;
  }
  return sodium;
}

/** Which Ed25519 implementation checks signatures here; `reread` looks at LOAXA_ED25519 again (tests compare both). */
export function ed25519Backend(opts: { reread?: boolean } = {}): 'libsodium' | 'node:crypto' {
  if (opts.reread) sodium = undefined;
  return sodiumVerify() ? 'libsodium' : 'node:crypto';
}
