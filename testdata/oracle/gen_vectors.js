'use strict';
/*
 * Known-answer test vector generator for cognitosrp.
 *
 * The oracle is the official npm package amazon-cognito-identity-js (exact version
 * pinned in package.json). Every published value comes out of the package's own code:
 * AuthenticationHelper (padHex, hash, getLargeAValue, getPasswordAuthenticationKey,
 * computehkdf, generateHashDevice), its jsbn BigInteger, DateHelper, and the real
 * CognitoUser flows (authenticateUser, getDeviceResponse, the ConfirmDevice step of
 * authenticateUserInternal) driven against an in-process stub client (no network).
 *
 * Determinism: the package's only randomness source (lib/utils/cryptoSecureRandomInt)
 * is replaced by a scripted byte feed, `new Date()` is pinned while the package formats
 * its TIMESTAMP, and all inputs come from SHA-256 counter-mode streams seeded per case.
 * Re-running writes byte-identical files.
 *
 * Independent cross-checks (assertions, nothing published from them): a from-scratch
 * implementation of the REFERENCE.md rules with node's BigInt + node:crypto (hkdfSync,
 * HMAC) must agree with the package on every value, and for server-style B values the
 * server side of SRP-6a, S = (A * v^u)^b mod N, must equal the client's S.
 *
 * Usage: cd testdata/oracle && npm ci && node gen_vectors.js
 * Test-vector tool only; never a dependency of the Go library.
 */

const fs = require('fs');
const path = require('path');
const nodeCrypto = require('crypto');
const { createRequire } = require('module');

const PKG = 'amazon-cognito-identity-js';
const pkgVersion = require(`${PKG}/package.json`).version;
const rngModule = require(`${PKG}/lib/utils/cryptoSecureRandomInt`);
const AuthenticationHelper = require(`${PKG}/lib/AuthenticationHelper`).default;
const BigInteger = require(`${PKG}/lib/BigInteger`).default;
const DateHelper = require(`${PKG}/lib/DateHelper`).default;
const { CognitoUserPool, CognitoUser, AuthenticationDetails } = require(PKG);
// The exact Buffer polyfill and SHA-256/HMAC implementation CognitoUser.js uses.
const pkgRequire = createRequire(require.resolve(`${PKG}/lib/CognitoUser`));
const { Buffer: PkgBuffer } = pkgRequire('buffer');
const { Sha256 } = pkgRequire('@aws-crypto/sha256-js');

const OUT_DIR = path.resolve(__dirname, '..');
const SOURCE = `${PKG}@${pkgVersion} via testdata/oracle/gen_vectors.js`;

function assert(cond, msg) {
	if (!cond) throw new Error(`assertion failed: ${msg}`);
}
function assertEq(got, want, msg) {
	if (got !== want) {
		throw new Error(`assertion failed: ${msg}\n  got:  ${got}\n  want: ${want}`);
	}
}

// ---------------------------------------------------------------------------
// Deterministic byte streams: SHA-256(label "/" counter), concatenated.
class Drbg {
	constructor(label) {
		this.label = label;
		this.counter = 0;
		this.pool = Buffer.alloc(0);
	}
	bytes(n) {
		const parts = [this.pool];
		let have = this.pool.length;
		while (have < n) {
			parts.push(sha256(Buffer.from(`cognitosrp-oracle/${this.label}/${this.counter++}`, 'utf8')));
			have += 32;
		}
		const all = Buffer.concat(parts);
		this.pool = Buffer.from(all.subarray(n));
		return Buffer.from(all.subarray(0, n));
	}
	uint32() {
		return this.bytes(4).readUInt32BE(0);
	}
	int(max) {
		return this.uint32() % max;
	}
	pick(arr) {
		return arr[this.int(arr.length)];
	}
	hex(nBytes) {
		return this.bytes(nBytes).toString('hex');
	}
	alnum(n, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') {
		let s = '';
		for (let i = 0; i < n; i++) s += alphabet[this.int(alphabet.length)];
		return s;
	}
	uuid() {
		const b = this.bytes(16);
		b[6] = (b[6] & 0x0f) | 0x40;
		b[8] = (b[8] & 0x3f) | 0x80;
		const h = b.toString('hex');
		return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
	}
}

function sha256(buf) {
	return nodeCrypto.createHash('sha256').update(buf).digest();
}

// ---------------------------------------------------------------------------
// Scripted randomness for the package and a pinned clock.
let rngFeed = null;
rngModule.default = function scriptedRandomInt() {
	if (rngFeed === null || rngFeed.length < 4) {
		throw new Error('the package asked for randomness that was not scripted');
	}
	const v = rngFeed.readUInt32BE(0);
	rngFeed = rngFeed.subarray(4);
	return v;
};
function withRandom(bytes, fn) {
	assert(bytes.length % 4 === 0, 'feed must be whole 32-bit words');
	rngFeed = Buffer.from(bytes);
	try {
		const r = fn();
		assertEq(rngFeed.length, 0, 'the package consumed all scripted randomness');
		return r;
	} finally {
		rngFeed = null;
	}
}

const RealDate = Date;
function withFixedDate(ms, fn) {
	class FixedDate extends RealDate {
		constructor(...args) {
			if (args.length === 0) super(ms);
			else super(...args);
		}
		static now() {
			return ms;
		}
	}
	global.Date = FixedDate;
	try {
		return fn();
	} finally {
		global.Date = RealDate;
	}
}
function pkgTimestamp(ms) {
	return withFixedDate(ms, () => new DateHelper().getNowString());
}

// ---------------------------------------------------------------------------
// Independent reference implementation (REFERENCE.md rules, node BigInt + node:crypto).
const probe = withRandom(Buffer.alloc(128, 0x11), () => new AuthenticationHelper('Probe'));
const N_HEX = probe.N.toString(16);
const N = BigInt(`0x${N_HEX}`);
const G = 2n;

function modPow(b, e, m) {
	let r = 1n;
	b %= m;
	if (b < 0n) b += m;
	while (e > 0n) {
		if (e & 1n) r = (r * b) % m;
		b = (b * b) % m;
		e >>= 1n;
	}
	return r;
}
function refPad(x) {
	assert(x >= 0n, 'refPad of a non-negative integer');
	let h = x.toString(16);
	if (h.length % 2 === 1) h = `0${h}`;
	else if (/^[89a-f]/.test(h)) h = `00${h}`;
	return h;
}
function refPadBytes(x) {
	return Buffer.from(refPad(x), 'hex');
}
function bufToBig(b) {
	return b.length === 0 ? 0n : BigInt(`0x${b.toString('hex')}`);
}
function hexToBig(h) {
	return BigInt(`0x${h}`);
}
const REF_K = bufToBig(sha256(Buffer.concat([refPadBytes(N), refPadBytes(G)])));

function refX(saltStr, poolName, userId, password) {
	const inner = sha256(Buffer.from(`${poolName}${userId}:${password}`, 'utf8'));
	return bufToBig(sha256(Buffer.concat([refPadBytes(hexToBig(saltStr)), inner])));
}
function refU(A, B) {
	return bufToBig(sha256(Buffer.concat([refPadBytes(A), refPadBytes(B)])));
}
function refS(a, B, x, u) {
	let base = (B - REF_K * modPow(G, x, N)) % N;
	if (base < 0n) base += N;
	return modPow(base, a + u * x, N);
}
function refKey(S, u) {
	return Buffer.from(
		nodeCrypto.hkdfSync('sha256', refPadBytes(S), refPadBytes(u), Buffer.from('Caldera Derived Key', 'utf8'), 16)
	);
}
function refSignature(K, poolName, userId, secretBlockB64, timestamp) {
	return nodeCrypto
		.createHmac('sha256', K)
		.update(Buffer.from(poolName, 'utf8'))
		.update(Buffer.from(userId, 'utf8'))
		.update(Buffer.from(secretBlockB64, 'base64'))
		.update(Buffer.from(timestamp, 'utf8'))
		.digest('base64');
}
// Everything a client computes, REFERENCE.md style (lazily, so searches stay cheap).
function refClient(c) {
	const memo = {};
	const once = (k, f) => (k in memo ? memo[k] : (memo[k] = f()));
	const ref = {
		get a() {
			return once('a', () => hexToBig(c.aHex));
		},
		get A() {
			return once('A', () => modPow(G, ref.a, N));
		},
		get B() {
			return once('B', () => hexToBig(c.B));
		},
		get u() {
			return once('u', () => refU(ref.A, ref.B));
		},
		get x() {
			return once('x', () => refX(c.salt, c.poolName, c.userIdForSrp, c.password));
		},
		get S() {
			return once('S', () => refS(ref.a, ref.B, ref.x, ref.u));
		},
		get K() {
			return once('K', () => refKey(ref.S, ref.u));
		},
	};
	return ref;
}
// A server-style B for a given verifier: B = (k*v + g^b) mod N.
function serverB(v, b) {
	return (REF_K * v + modPow(G, b, N)) % N;
}
function serverS(A, v, u, b) {
	return modPow((A * modPow(v, u, N)) % N, b, N);
}

// ---------------------------------------------------------------------------
// Package computations.

// Direct use of AuthenticationHelper, overriding the private a as the brief asks.
function pkgDirect(c, junkFeed) {
	const helper = withRandom(junkFeed, () => new AuthenticationHelper(c.poolName));
	helper.smallAValue = new BigInteger(c.aHex, 16);
	helper.largeAValue = null;
	let A = null;
	helper.getLargeAValue((err, v) => {
		if (err) throw err;
		A = v;
	});
	assert(A !== null, 'getLargeAValue is synchronous');

	const captured = {};
	const origCalculateS = helper.calculateS;
	helper.calculateS = function wrappedCalculateS(xValue, serverBValue, callback) {
		return origCalculateS.call(this, xValue, serverBValue, (err, sValue) => {
			captured.x = xValue;
			captured.S = sValue;
			callback(err, sValue);
		});
	};
	let hkdf = null;
	helper.getPasswordAuthenticationKey(
		c.userIdForSrp,
		c.password,
		new BigInteger(c.B, 16),
		new BigInteger(c.salt, 16),
		(err, key) => {
			if (err) throw err;
			hkdf = key;
		}
	);
	assert(hkdf !== null, 'getPasswordAuthenticationKey is synchronous');

	const timestamp = pkgTimestamp(c.timeMs);
	// Exactly as CognitoUser.authenticateUserDefaultAuth / getDeviceResponse.
	const concatBuffer = PkgBuffer.concat([
		PkgBuffer.from(c.poolName, 'utf8'),
		PkgBuffer.from(c.userIdForSrp, 'utf8'),
		PkgBuffer.from(c.secretBlock, 'base64'),
		PkgBuffer.from(timestamp, 'utf8'),
	]);
	const mac = new Sha256(hkdf);
	mac.update(concatBuffer);
	const signature = PkgBuffer.from(mac.digestSync()).toString('base64');

	return {
		k: helper.k.toString(16),
		A: A.toString(16),
		APad: helper.padHex(A),
		BPad: helper.padHex(new BigInteger(c.B, 16)),
		saltPad: helper.padHex(new BigInteger(c.salt, 16)),
		u: helper.UValue.toString(16),
		uPad: helper.padHex(helper.UValue),
		x: captured.x.toString(16),
		S: captured.S.toString(16),
		SPad: helper.padHex(captured.S),
		K: Buffer.from(hkdf).toString('hex'),
		timestamp,
		signature,
	};
}

function memoryStorage() {
	const m = new Map();
	return {
		setItem: (k, v) => m.set(k, String(v)),
		getItem: k => (m.has(k) ? m.get(k) : null),
		removeItem: k => m.delete(k),
		clear: () => m.clear(),
	};
}
function newPool(poolName) {
	// A 9-character region, so that a pool name may have the 45 characters a 55-character
	// pool id leaves (the region is not part of any vector).
	return new CognitoUserPool({ UserPoolId: `us-east-1_${poolName}`, ClientId: 'oracleclientid0000000000000' });
}
function stopError() {
	const e = new Error('oracle stub stops here');
	e.code = 'OracleStop';
	return e;
}

// The real USER_SRP_AUTH flow: authenticateUser against a stub client; a is fed
// through the package's own generateRandomSmallA.
function pkgFlowUser(c) {
	const pool = newPool(c.poolName);
	const user = new CognitoUser({ Username: c.loginName, Pool: pool, Storage: memoryStorage() });
	const calls = [];
	user.client = {
		request(op, params, cb) {
			calls.push({ op, params: JSON.parse(JSON.stringify(params)) });
			if (op === 'InitiateAuth') {
				return cb(null, {
					ChallengeName: 'PASSWORD_VERIFIER',
					Session: 'oracle-session-1',
					ChallengeParameters: {
						SRP_B: c.B,
						SALT: c.salt,
						SECRET_BLOCK: c.secretBlock,
						USER_ID_FOR_SRP: c.userIdForSrp,
						USERNAME: c.userIdForSrp,
					},
				});
			}
			return cb(stopError(), null);
		},
	};
	let failure = null;
	withRandom(Buffer.from(c.aHex, 'hex'), () =>
		withFixedDate(c.timeMs, () =>
			user.authenticateUser(new AuthenticationDetails({ Username: c.loginName, Password: c.password }), {
				onSuccess: () => {
					throw new Error('unexpected success');
				},
				onFailure: err => {
					failure = err;
				},
			})
		)
	);
	assert(failure && failure.code === 'OracleStop', `flow reached the stub's stop (${failure})`);
	assertEq(calls.length, 2, 'InitiateAuth + RespondToAuthChallenge');
	assertEq(calls[0].op, 'InitiateAuth', 'first call');
	assertEq(calls[0].params.AuthParameters.USERNAME, c.loginName, 'InitiateAuth USERNAME is the login name');
	assertEq(calls[1].op, 'RespondToAuthChallenge', 'second call');
	assertEq(calls[1].params.ChallengeName, 'PASSWORD_VERIFIER', 'challenge name');
	const r = calls[1].params.ChallengeResponses;
	assertEq(r.USERNAME, c.userIdForSrp, 'challenge USERNAME is USER_ID_FOR_SRP');
	assertEq(r.PASSWORD_CLAIM_SECRET_BLOCK, c.secretBlock, 'secret block echoed');
	return { A: calls[0].params.AuthParameters.SRP_A, timestamp: r.TIMESTAMP, signature: r.PASSWORD_CLAIM_SIGNATURE };
}

// The real device SRP flow: getDeviceResponse against a stub client.
function pkgFlowDevice(c) {
	const pool = newPool('AbC123xyZ');
	const user = new CognitoUser({ Username: c.username, Pool: pool, Storage: memoryStorage() });
	user.deviceGroupKey = c.deviceGroupKey;
	user.deviceKey = c.deviceKey;
	user.randomPassword = c.devicePassword;
	user.Session = 'oracle-session-1';
	const calls = [];
	user.client = {
		request(op, params, cb) {
			calls.push({ op, params: JSON.parse(JSON.stringify(params)) });
			if (op === 'RespondToAuthChallenge' && params.ChallengeName === 'DEVICE_SRP_AUTH') {
				return cb(null, {
					ChallengeName: 'DEVICE_PASSWORD_VERIFIER',
					Session: 'oracle-session-2',
					ChallengeParameters: {
						SRP_B: c.B,
						SALT: c.salt,
						SECRET_BLOCK: c.secretBlock,
						USERNAME: c.username,
						DEVICE_KEY: c.deviceKey,
					},
				});
			}
			return cb(stopError(), null);
		},
	};
	let failure = null;
	withRandom(Buffer.from(c.aHex, 'hex'), () =>
		withFixedDate(c.timeMs, () =>
			user.getDeviceResponse({
				onSuccess: () => {
					throw new Error('unexpected success');
				},
				onFailure: err => {
					failure = err;
				},
			})
		)
	);
	assert(failure && failure.code === 'OracleStop', `device flow reached the stub's stop (${failure})`);
	assertEq(calls.length, 2, 'DEVICE_SRP_AUTH + DEVICE_PASSWORD_VERIFIER');
	const first = calls[0].params.ChallengeResponses;
	assertEq(first.USERNAME, c.username, 'DEVICE_SRP_AUTH USERNAME');
	assertEq(first.DEVICE_KEY, c.deviceKey, 'DEVICE_SRP_AUTH DEVICE_KEY');
	assertEq(calls[1].params.ChallengeName, 'DEVICE_PASSWORD_VERIFIER', 'second challenge');
	const r = calls[1].params.ChallengeResponses;
	assertEq(r.USERNAME, c.username, 'DEVICE_PASSWORD_VERIFIER USERNAME is the user, not the device');
	assertEq(r.DEVICE_KEY, c.deviceKey, 'DEVICE_PASSWORD_VERIFIER DEVICE_KEY');
	assertEq(r.PASSWORD_CLAIM_SECRET_BLOCK, c.secretBlock, 'secret block echoed');
	return { A: first.SRP_A, timestamp: r.TIMESTAMP, signature: r.PASSWORD_CLAIM_SIGNATURE };
}

function fakeJwt(payload) {
	const enc = o => Buffer.from(JSON.stringify(o), 'utf8').toString('base64').replace(/=+$/, '');
	return `${enc({ alg: 'none', kid: 'oracle' })}.${enc(payload)}.c2ln`;
}

// The real "remember this device" step: authenticateUserInternal with NewDeviceMetadata,
// which runs generateHashDevice and sends ConfirmDevice.
function pkgFlowConfirmDevice(d, pwBytes, saltBytes, timeMs) {
	const pool = newPool(d.poolName);
	const user = new CognitoUser({ Username: d.username, Pool: pool, Storage: memoryStorage() });
	const calls = [];
	user.client = {
		request(op, params, cb) {
			calls.push({ op, params: JSON.parse(JSON.stringify(params)) });
			return cb(stopError(), null);
		},
	};
	const helper = withRandom(Buffer.alloc(128, 0x5a), () => new AuthenticationHelper(d.poolName));
	const iat = Math.floor(timeMs / 1000);
	const token = fakeJwt({ sub: d.username, username: d.username, iat, exp: iat + 3600, token_use: 'access' });
	let failure = null;
	withRandom(Buffer.concat([pwBytes, saltBytes]), () =>
		withFixedDate(timeMs, () =>
			user.authenticateUserInternal(
				{
					AuthenticationResult: {
						AccessToken: token,
						IdToken: token,
						RefreshToken: 'oracle-refresh-token',
						ExpiresIn: 3600,
						TokenType: 'Bearer',
						NewDeviceMetadata: { DeviceGroupKey: d.deviceGroupKey, DeviceKey: d.deviceKey },
					},
				},
				helper,
				{
					onSuccess: () => {
						throw new Error('unexpected success');
					},
					onFailure: err => {
						failure = err;
					},
				}
			)
		)
	);
	assert(failure && failure.code === 'OracleStop', `confirm flow reached the stub's stop (${failure})`);
	assertEq(calls.length, 1, 'one ConfirmDevice call');
	assertEq(calls[0].op, 'ConfirmDevice', 'ConfirmDevice');
	assertEq(calls[0].params.DeviceKey, d.deviceKey, 'ConfirmDevice DeviceKey');
	return {
		cfg: calls[0].params.DeviceSecretVerifierConfig,
		devicePassword: user.randomPassword,
		deviceName: calls[0].params.DeviceName,
	};
}

// Direct generateHashDevice with the same scripted randomness.
function pkgDirectHashDevice(d, pwBytes, saltBytes) {
	const helper = withRandom(Buffer.alloc(128, 0x33), () => new AuthenticationHelper(d.poolName));
	let done = false;
	withRandom(Buffer.concat([pwBytes, saltBytes]), () =>
		helper.generateHashDevice(d.deviceGroupKey, d.deviceKey, err => {
			if (err) throw err;
			done = true;
		})
	);
	assert(done, 'generateHashDevice is synchronous');
	return {
		devicePassword: helper.getRandomPassword(),
		saltPad: helper.getSaltDevices(),
		verifierPad: helper.getVerifierDevices(),
	};
}

// ---------------------------------------------------------------------------
// Inputs.

const MONTHS_31 = [0, 2, 4, 6, 7, 9, 11];
// Case i gets day (i % 31) + 1 and hour (7 * i) % 24, so 31+ cases cover every day
// and 24+ cases every hour; minutes/seconds are single-digit a third of the time.
function caseTime(r, i) {
	const day = (i % 31) + 1;
	const hour = (7 * i) % 24;
	const month = day > 28 ? r.pick(MONTHS_31) : r.int(12);
	const year = 2016 + r.int(20);
	const minute = r.int(3) === 0 ? r.int(10) : r.int(60);
	const second = r.int(3) === 0 ? r.int(10) : r.int(60);
	const ms = RealDate.UTC(year, month, day, hour, minute, second, r.int(1000));
	const d = new RealDate(ms);
	assertEq(d.getUTCDate(), day, 'valid calendar day');
	return ms;
}
const TS_RE = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]|[12][0-9]|3[01]) ([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9] UTC [0-9]{4}$/;

function aBytesWith(r, firstByte) {
	const b = r.bytes(128);
	if (firstByte !== undefined) b[0] = firstByte;
	return b;
}
function randomSecretBlock(r, len) {
	return r.bytes(len === undefined ? 700 + r.int(700) : len).toString('base64');
}
function randomSalt(r) {
	return r.hex(16);
}
// A random B below N, uniformly-ish, as lowercase hex with no leading zeros.
function randomBHex(r, firstNibble) {
	let b = r.bytes(384);
	if (firstNibble !== undefined) b[0] = (firstNibble << 4) | (b[0] & 0x0f);
	let v = bufToBig(b) % N;
	if (v === 0n) v = 1n;
	return v.toString(16);
}

const POOL_NAMES = ['AbC123xyZ', 'Xy7Qp2LmN', '0aBcDeFgH', 'zzzzzzzzz', 'A1b2C3d4E', 'PoolName9', 'k4SPv1mQr', 'Q'];
const PASSWORDS = [
	'Password1!',
	'correct horse battery staple',
	'Tr0ub4dor&3',
	'p@ss:word:with:colons',
	':leadingColon1A',
	'trailingColon1A:',
	'p\u00e4ssw\u00f6rd-NFC-\u00e9\u00e8',
	'pa\u0308ssw\u006f\u0308rd-NFD-e\u0301e\u0300',
	'\u5bc6\u7801\u30d1\u30b9\u30ef\u30fc\u30c91',
	'emoji\u{1F600}\u{1F510}pw',
	'  spaces  inside  ',
	'\u041f\u0430\u0440\u043e\u043b\u044c123!',
	'tab\there\\back"quote\'',
	'x',
	'A'.repeat(256),
];

// ---------------------------------------------------------------------------
// SRP cases.

const srpCases = [];

// base(name, i): a fully random, server-style case. Overrides tweak it.
function baseCase(name, i) {
	const r = new Drbg(`srp/${name}`);
	const loginName = r.pick(['alice', 'bob_alias', 'Carol-Doe', '+15555550123', 'd\u00f6rte', 'user_01']);
	const c = {
		name,
		poolName: POOL_NAMES[i % POOL_NAMES.length],
		loginName,
		userIdForSrp: r.uuid(),
		password: PASSWORDS[i % PASSWORDS.length],
		aHex: aBytesWith(r).toString('hex'),
		salt: randomSalt(r),
		secretBlock: randomSecretBlock(r),
		timeMs: caseTime(r, i),
		bKind: 'server',
		b: bufToBig(r.bytes(128)),
		r,
	};
	return c;
}
// Fill in B for server-style cases (needs the final salt/password/user/pool).
function finishServerB(c) {
	const x = refX(c.salt, c.poolName, c.userIdForSrp, c.password);
	c.v = modPow(G, x, N);
	c.B = serverB(c.v, c.b).toString(16);
}

function searchCase(name, i, maxTries, mutate, pred) {
	for (let t = 0; t < maxTries; t++) {
		const c = baseCase(`${name}#${t}`, i);
		c.name = name;
		mutate(c, t);
		if (c.bKind === 'server' && c.B === undefined) finishServerB(c);
		const ref = refClient(c);
		if (pred(ref, c)) return c;
	}
	throw new Error(`search for ${name} failed`);
}

const specs = [];
function add(name, mutate, pred, maxTries) {
	specs.push({ name, mutate: mutate || (() => {}), pred, maxTries: maxTries || 20000 });
}

// Plain server-style cases.
for (let j = 0; j < 8; j++) add(`server-b-${j + 1}`);
// Plain random-B cases.
for (let j = 0; j < 4; j++)
	add(`random-b-${j + 1}`, c => {
		c.bKind = 'random';
		c.B = randomBHex(c.r);
	});

// Login name vs USER_ID_FOR_SRP.
add('userid-equals-login-name', c => {
	c.loginName = 'alice';
	c.userIdForSrp = 'alice';
});
add('userid-uuid-differs-from-alias-login', c => {
	c.loginName = 'Alice_Alias';
});
add('userid-unicode', c => {
	c.loginName = 'j\u00fcrgen';
	c.userIdForSrp = 'j\u00fcrgen';
});

// Passwords.
add('password-colons', c => {
	c.password = 'a:b::c:';
});
add('password-unicode-nfc', c => {
	c.password = 'Caf\u00e9-\u00fcber-\u00f1-1A';
});
add('password-unicode-nfd', c => {
	c.password = 'Cafe\u0301-u\u0308ber-n\u0303-1A';
});
add('password-emoji-astral', c => {
	c.password = '\u{1F511}\u{1F600}key\u{10348}';
});

// Private a.
add('a-msb-set', c => {
	c.aHex = aBytesWith(c.r, 0x80 | c.r.int(128)).toString('hex');
});
add('a-odd-length-hex', c => {
	c.aHex = aBytesWith(c.r, 1 + c.r.int(15)).toString('hex');
});
add('a-leading-zero-bytes', c => {
	const b = aBytesWith(c.r);
	b[0] = 0;
	b[1] = 0;
	b[2] = 0x3c;
	c.aHex = b.toString('hex');
});
add('a-one-A-is-2', c => {
	const b = Buffer.alloc(128);
	b[127] = 1;
	c.aHex = b.toString('hex');
});
add('a-1024-A-is-2^1024-odd-length', c => {
	const b = Buffer.alloc(128);
	b[126] = 0x04; // a = 1024
	c.aHex = b.toString('hex');
});

// Public A (searched over a).
add('A-msb-set', null, ref => /^[89a-f]/.test(ref.A.toString(16)) && ref.A.toString(16).length === 768);
add('A-msb-clear-full-length', null, ref => /^[1-7]/.test(ref.A.toString(16)) && ref.A.toString(16).length === 768);
add('A-odd-length', null, ref => ref.A.toString(16).length % 2 === 1);
add('A-leading-zero-byte', null, ref => ref.A.toString(16).length <= 766);

// Server B.
add('B-msb-set', c => {
	c.bKind = 'random';
	c.B = randomBHex(c.r, 0x8 + c.r.int(7));
});
add('B-odd-length', c => {
	c.bKind = 'random';
	c.B = randomBHex(c.r, 0);
}, (ref, c) => c.B.length % 2 === 1);
add('B-small-2', c => {
	c.bKind = 'edge';
	c.B = '2';
});
add('B-small-abc', c => {
	c.bKind = 'edge';
	c.B = 'abc';
});
add('B-equals-N-minus-1', c => {
	c.bKind = 'edge';
	c.B = (N - 1n).toString(16);
});
add('B-plus-N-unreduced', c => {
	finishServerB(c);
	c.bKind = 'server+N';
	c.B = (hexToBig(c.B) + N).toString(16);
});
add('B-leading-zero-chars', c => {
	finishServerB(c);
	c.bKind = 'server-zero-prefixed';
	c.B = `0000${c.B}`;
});
add('B-uppercase-hex', c => {
	finishServerB(c);
	c.bKind = 'server-uppercase';
	c.B = c.B.toUpperCase();
});

// Salt.
add('salt-leading-00', c => {
	// "00" then a digit 1-7: the integer drops a byte, so pad(salt) != the raw string.
	c.salt = `00${'1234567'[c.r.int(7)]}${c.r.hex(15).slice(1)}`;
});
add('salt-leading-00-then-msb', c => {
	// "00" then 8-f: pad(salt) happens to equal the raw string.
	c.salt = `00${'89abcdef'[c.r.int(8)]}${c.r.hex(15).slice(1)}`;
});
add('salt-leading-0000', c => {
	c.salt = `0000${c.r.hex(14)}`;
});
add('salt-odd-length', c => {
	c.salt = c.r.hex(16).slice(1).replace(/^0/, '7');
	assert(c.salt.length === 31, 'odd salt');
});
add('salt-msb-set', c => {
	c.salt = `${'89abcdef'[c.r.int(8)]}${c.r.hex(16).slice(1)}`;
});
add('salt-msb-clear', c => {
	c.salt = `${'1234567'[c.r.int(7)]}${c.r.hex(16).slice(1)}`;
});
add('salt-uppercase', c => {
	c.salt = `F${c.r.hex(16).slice(1)}`.toUpperCase();
});
add('salt-short', c => {
	c.salt = 'a5';
});

// u = H(pad(A) | pad(B)) (searched over random B; only hashing, cheap).
add('u-msb-set', c => {
	c.bKind = 'random';
	c.B = randomBHex(c.r);
}, ref => /^[89a-f]/.test(ref.u.toString(16)) && ref.u.toString(16).length === 64);
add('u-odd-length', c => {
	c.bKind = 'random';
	c.B = randomBHex(c.r);
}, ref => ref.u.toString(16).length === 63);
add('u-leading-zero-byte-short-pad', c => {
	c.bKind = 'random';
	c.B = randomBHex(c.r);
}, ref => ref.u.toString(16).length === 62 && /^[1-7]/.test(ref.u.toString(16)));
add('u-leading-zero-byte-then-msb', c => {
	c.bKind = 'random';
	c.B = randomBHex(c.r);
}, ref => ref.u.toString(16).length === 62 && /^[89a-f]/.test(ref.u.toString(16)));

// S (searched over server b).
add('S-msb-set', null, ref => /^[89a-f]/.test(ref.S.toString(16)) && ref.S.toString(16).length === 768);
add('S-msb-clear-full-length', null, ref => /^[1-7]/.test(ref.S.toString(16)) && ref.S.toString(16).length === 768);
add('S-odd-length', null, ref => ref.S.toString(16).length % 2 === 1);
add('S-leading-zero-byte', null, ref => ref.S.toString(16).length <= 766);

// x with a leading zero nibble (x is only used as an integer; harmless but covered).
add('x-leading-zero-nibble', null, ref => ref.x.toString(16).length < 64, 2000);

// Secret block shapes.
add('secret-block-1-byte', c => {
	c.secretBlock = randomSecretBlock(c.r, 1);
});
add('secret-block-2-bytes', c => {
	c.secretBlock = randomSecretBlock(c.r, 2);
});
add('secret-block-3-bytes', c => {
	c.secretBlock = randomSecretBlock(c.r, 3);
});
add('secret-block-long', c => {
	c.secretBlock = randomSecretBlock(c.r, 3000);
});

// Pool names.
add('pool-name-one-char', c => {
	c.poolName = 'Q';
});
add('pool-name-digits', c => {
	c.poolName = '123456789';
});

// Combined worst case: odd salt with leading zero, B>N, unicode everything.
add('combined-edges', c => {
	c.loginName = 'Zo\u00eb';
	c.userIdForSrp = c.r.uuid();
	c.password = 'p:\u00e4\u{1F600}:q';
	c.salt = `000${'1234567'[c.r.int(7)]}${c.r.hex(16).slice(4)}`; // integer has 29 hex digits
	finishServerB(c);
	c.bKind = 'server+N';
	c.B = (hexToBig(c.B) + N).toString(16);
});

// Added in session 30. Names that need Unicode care: the client hashes the UTF-8 bytes
// it is given, with no NFC/NFKC normalization, so each spelling is its own identity.
add('userid-unicode-nfd', c => {
	c.loginName = 'ju\u0308rgen';
	c.userIdForSrp = 'ju\u0308rgen';
});
add('userid-nfkc-compat', c => {
	// Fullwidth J, a "fi" ligature, the Kelvin and Angstrom signs: NFKC would fold them all.
	c.loginName = '\uff2a\u00fcrgen\ufb01';
	c.userIdForSrp = '\uff2a\u00fcrgen\ufb01\u212a\u212b';
});
add('password-nfkc-compat', c => {
	c.password = '\ufb01\u212a\u212b\uff30\uff41\uff53\uff53\u2460\u00b2\u2126';
});
add('password-unicode-spaces-at-ends', c => {
	// No-break and ideographic spaces, a zero-width joiner and a BOM: not trimmed.
	c.password = '\u00a0\ufeffpw\u200dord\u3000';
});
// Pool names of unusual length: the longest a pool id allows with a 9-character
// region (55 - "us-east-1_" = 45), and one making poolName | userId | ":" | password
// exactly 55 and 56 bytes (the inner SHA-256 fits one block, or needs two).
add('pool-name-45-chars', c => {
	c.poolName = c.r.alnum(45);
});
add('inner-hash-55-bytes', c => {
	c.poolName = 'AbC123xyZ';
	c.password = 'Pw1!Pw1!Pw'.slice(0, 55 - 9 - 36 - 1);
	assertEq(Buffer.byteLength(`${c.poolName}${c.userIdForSrp}:${c.password}`), 55, 'inner 55 bytes');
});
add('inner-hash-56-bytes', c => {
	c.poolName = 'AbC123xyZ';
	c.password = 'Pw1!Pw1!Pw'.slice(0, 56 - 9 - 36 - 1);
	assertEq(Buffer.byteLength(`${c.poolName}${c.userIdForSrp}:${c.password}`), 56, 'inner 56 bytes');
});
// A TIMESTAMP in every month, each on a single-digit day, month m on weekday m % 7 (so
// together on every weekday).
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
MONTH_NAMES.forEach((mon, m) => {
	add(`timestamp-${mon}`, c => {
		const at = day => RealDate.UTC(2025 + (m % 4), m, day, (5 * m + 3) % 24, m, 59 - m, 999);
		let day = 1;
		while (new RealDate(at(day)).getUTCDay() !== m % 7) day++;
		assert(day <= 9, 'a single-digit day');
		c.timeMs = at(day);
	});
});
add('timestamp-leap-day', c => {
	c.timeMs = RealDate.UTC(2028, 1, 29, 23, 59, 59, 999);
});

// exchangeValues are the published values of one SRP exchange, shared by the
// password and device SRP vectors (in this key order in both files).
function exchangeValues(c, pkg) {
	return {
		a: c.aHex,
		A: pkg.A,
		APad: pkg.APad,
		B: c.B,
		BPad: pkg.BPad,
		salt: c.salt,
		saltPad: pkg.saltPad,
		secretBlock: c.secretBlock,
		timestamp: pkg.timestamp,
		u: pkg.u,
		uPad: pkg.uPad,
		x: pkg.x,
		S: pkg.S,
		SPad: pkg.SPad,
		K: pkg.K,
		signature: pkg.signature,
	};
}

function describeSrpCase(c) {
	const ref = refClient(c);
	const pkg = pkgDirect(c, c.r.bytes(128));
	const flow = pkgFlowUser(c);

	// The package agrees with itself (direct helper vs. full CognitoUser flow)...
	assertEq(flow.A, pkg.A, `${c.name}: SRP_A flow vs direct`);
	assertEq(flow.timestamp, pkg.timestamp, `${c.name}: TIMESTAMP flow vs direct`);
	assertEq(flow.signature, pkg.signature, `${c.name}: signature flow vs direct`);
	// ... and with the independent REFERENCE.md implementation.
	assertEq(pkg.k, REF_K.toString(16), 'k');
	assertEq(pkg.A, ref.A.toString(16), `${c.name}: A`);
	assertEq(pkg.APad, refPad(ref.A), `${c.name}: pad(A)`);
	assertEq(pkg.BPad, refPad(ref.B), `${c.name}: pad(B)`);
	assertEq(pkg.saltPad, refPad(hexToBig(c.salt)), `${c.name}: pad(salt)`);
	assertEq(pkg.u, ref.u.toString(16), `${c.name}: u`);
	assertEq(pkg.uPad, refPad(ref.u), `${c.name}: pad(u)`);
	assertEq(pkg.x, ref.x.toString(16), `${c.name}: x`);
	assertEq(pkg.S, ref.S.toString(16), `${c.name}: S`);
	assertEq(pkg.SPad, refPad(ref.S), `${c.name}: pad(S)`);
	assertEq(pkg.K, ref.K.toString('hex'), `${c.name}: K`);
	assert(TS_RE.test(pkg.timestamp), `${c.name}: timestamp format ${pkg.timestamp}`);
	assertEq(pkg.signature, refSignature(ref.K, c.poolName, c.userIdForSrp, c.secretBlock, pkg.timestamp), `${c.name}: signature`);
	// SRP-6a closes: the server's S equals the client's S.
	if (c.bKind.startsWith('server') && c.bKind !== 'server+N') {
		assertEq(serverS(ref.A, c.v, ref.u, c.b).toString(16), pkg.S, `${c.name}: server S`);
	}

	return {
		name: c.name,
		bKind: c.bKind,
		poolName: c.poolName,
		loginName: c.loginName,
		userIdForSrp: c.userIdForSrp,
		password: c.password,
		...exchangeValues(c, pkg),
	};
}

specs.forEach((s, i) => {
	let c;
	if (s.pred) {
		c = searchCase(s.name, i, s.maxTries, s.mutate, s.pred);
	} else {
		c = baseCase(s.name, i);
		s.mutate(c);
		if (c.bKind === 'server' && c.B === undefined) finishServerB(c);
	}
	srpCases.push(describeSrpCase(c));
});

// Coverage checks promised by the file.
{
	const days = new Set(srpCases.map(c => c.timestamp.split(' ')[2]));
	const hours = new Set(srpCases.map(c => c.timestamp.split(' ')[3].slice(0, 2)));
	assertEq(days.size, 31, 'all days 1..31 covered');
	const months = new Set(srpCases.map(c => c.timestamp.split(' ')[1]));
	const weekdays = new Set(srpCases.filter(c => c.name.startsWith('timestamp-') && c.name !== 'timestamp-leap-day').map(c => c.timestamp.split(' ')[0]));
	assertEq(months.size, 12, 'all months covered');
	assertEq(weekdays.size, 7, 'the month cases cover every weekday');
	assertEq(hours.size, 24, 'all hours 00..23 covered');
	assert(srpCases.length >= 40, 'at least 40 SRP cases');
}

// ---------------------------------------------------------------------------
// Device cases.

const deviceCases = [];
const deviceDefs = [];
const DEVICE_SALT_FIRST = [undefined, 0x00, 0x80, 0x05, 0xff, 0x7f, 0x00, 0x00, undefined, undefined, undefined, undefined];
for (let j = 0; j < 12; j++) {
	const r = new Drbg(`device/${j}`);
	const region = r.pick(['us-east-1', 'eu-west-2', 'ap-southeast-2']);
	const d = {
		name: `device-${j + 1}`,
		poolName: POOL_NAMES[j % POOL_NAMES.length],
		username: r.uuid(),
		deviceGroupKey: `-${r.alnum(9)}`,
		deviceKey: `${region}_${r.uuid()}`,
		r,
	};
	const pwBytes = r.bytes(40);
	const saltBytes = r.bytes(16);
	if (DEVICE_SALT_FIRST[j] !== undefined) saltBytes[0] = DEVICE_SALT_FIRST[j];
	if (j === 1) saltBytes[1] |= 0x80; // 00 then msb set: padHex gives back the same 16 bytes
	if (j === 6) saltBytes[1] = 0x3f; // 00 then 3f: padHex drops a byte (15 bytes)
	if (j === 7) saltBytes[1] = 0x00; // two leading zero bytes
	deviceDefs.push({ d, pwBytes, saltBytes });
}
// Verifier shape edges, searched over the device password bytes.
function searchDevice(name, idx, pred) {
	for (let t = 0; t < 20000; t++) {
		const r = new Drbg(`device/${name}/${t}`);
		const d = {
			name,
			poolName: 'AbC123xyZ',
			username: r.uuid(),
			deviceGroupKey: `-${r.alnum(9)}`,
			deviceKey: `us-east-1_${r.uuid()}`,
			r,
		};
		const pwBytes = r.bytes(40);
		const saltBytes = r.bytes(16);
		const pw = pwBytes.toString('base64');
		const x = refX(saltBytes.toString('hex'), d.deviceGroupKey, d.deviceKey, pw);
		const v = modPow(G, x, N);
		if (pred(v.toString(16))) return { d, pwBytes, saltBytes };
	}
	throw new Error(`device search ${name} failed`);
}
deviceDefs.push(searchDevice('device-verifier-odd-length', 0, h => h.length % 2 === 1));
deviceDefs.push(searchDevice('device-verifier-msb-clear', 0, h => h.length === 768 && /^[1-7]/.test(h)));
// Added in session 30: a verifier whose first byte is zero (pad(v) is 383 bytes).
deviceDefs.push(searchDevice('device-verifier-leading-zero-byte', 0, h => h.length <= 766));

deviceDefs.forEach(({ d, pwBytes, saltBytes }, j) => {
	const timeMs = caseTime(d.r, j);
	const flow = pkgFlowConfirmDevice(d, pwBytes, saltBytes, timeMs);
	const direct = pkgDirectHashDevice(d, pwBytes, saltBytes);
	const devicePassword = pwBytes.toString('base64');
	assertEq(flow.devicePassword, devicePassword, `${d.name}: device password is base64 of 40 random bytes`);
	assertEq(direct.devicePassword, devicePassword, `${d.name}: direct device password`);
	assertEq(flow.cfg.Salt, Buffer.from(direct.saltPad, 'hex').toString('base64'), `${d.name}: Salt flow vs direct`);
	assertEq(flow.cfg.PasswordVerifier, Buffer.from(direct.verifierPad, 'hex').toString('base64'), `${d.name}: verifier flow vs direct`);
	// Independent check.
	const saltHex = saltBytes.toString('hex');
	const saltInt = hexToBig(saltHex);
	assertEq(direct.saltPad, refPad(saltInt), `${d.name}: pad(salt)`);
	const x = refX(saltHex, d.deviceGroupKey, d.deviceKey, devicePassword);
	const v = modPow(G, x, N);
	assertEq(direct.verifierPad, refPad(v), `${d.name}: pad(verifier)`);
	const pkgV = new BigInteger(direct.verifierPad, 16);
	d.out = {
		name: d.name,
		username: d.username,
		deviceGroupKey: d.deviceGroupKey,
		deviceKey: d.deviceKey,
		devicePassword,
		salt: saltHex,
		saltPad: direct.saltPad,
		x: x.toString(16),
		verifier: pkgV.toString(16),
		verifierB64: flow.cfg.PasswordVerifier,
		saltB64: flow.cfg.Salt,
	};
	d.x = x;
	d.v = v;
	d.timeMs = timeMs;
	deviceCases.push(d.out);
});

// Device SRP (DEVICE_PASSWORD_VERIFIER) cases, using remembered devices above.
const deviceSrpCases = [];
// How the server might spell SALT back: the raw 16 random bytes, the padded form, or
// the integer's plain hex. All denote the same integer, so all must give the same x.
const SALT_SPELLINGS = ['raw', 'pad', 'plain', 'raw', 'pad', 'plain', 'raw', 'plain'];
const DEVICE_SRP_PICK = [0, 1, 2, 6, 4, 5, 7, 12];
DEVICE_SRP_PICK.forEach((di, j) => {
	const { d } = deviceDefs[di];
	const r = new Drbg(`device-srp/${j}`);
	const spelling = SALT_SPELLINGS[j];
	const salt = spelling === 'raw' ? d.out.salt : spelling === 'pad' ? d.out.saltPad : hexToBig(d.out.salt).toString(16);
	const b = bufToBig(r.bytes(128));
	const c = {
		name: `device-srp-${j + 1}-salt-${spelling}`,
		poolName: d.deviceGroupKey,
		userIdForSrp: d.deviceKey,
		password: d.out.devicePassword,
		username: d.username,
		deviceGroupKey: d.deviceGroupKey,
		deviceKey: d.deviceKey,
		devicePassword: d.out.devicePassword,
		aHex: aBytesWith(r, j === 1 ? 0x9a : j === 2 ? 0x0b : undefined).toString('hex'),
		B: serverB(d.v, b).toString(16),
		salt,
		secretBlock: randomSecretBlock(r),
		timeMs: caseTime(r, 5 * j + 3),
	};
	pushDeviceSrp(c, d, b, refClient(c), r);
});

// pushDeviceSrp checks device SRP case c (device d, server secret b, ref its
// from-scratch values) against the package, directly and through a real flow,
// and appends it. r draws the package's a.
function pushDeviceSrp(c, d, b, ref, r) {
	assertEq(ref.x, d.x, `${c.name}: x matches the remembered verifier's x`);
	const pkg = pkgDirect(c, r.bytes(128));
	const flow = pkgFlowDevice(c);
	assertEq(flow.A, pkg.A, `${c.name}: SRP_A flow vs direct`);
	assertEq(flow.timestamp, pkg.timestamp, `${c.name}: TIMESTAMP`);
	assertEq(flow.signature, pkg.signature, `${c.name}: signature flow vs direct`);
	assertEq(pkg.A, ref.A.toString(16), `${c.name}: A`);
	assertEq(pkg.APad, refPad(ref.A), `${c.name}: pad(A)`);
	assertEq(pkg.BPad, refPad(ref.B), `${c.name}: pad(B)`);
	assertEq(pkg.uPad, refPad(ref.u), `${c.name}: pad(u)`);
	assertEq(pkg.S, ref.S.toString(16), `${c.name}: S`);
	assertEq(pkg.SPad, refPad(ref.S), `${c.name}: pad(S)`);
	assertEq(pkg.K, ref.K.toString('hex'), `${c.name}: K`);
	assertEq(serverS(ref.A, d.v, ref.u, b).toString(16), pkg.S, `${c.name}: server S`);
	assertEq(pkg.signature, refSignature(ref.K, c.poolName, c.userIdForSrp, c.secretBlock, pkg.timestamp), `${c.name}: signature`);
	deviceSrpCases.push({
		name: c.name,
		username: c.username,
		deviceGroupKey: c.deviceGroupKey,
		deviceKey: c.deviceKey,
		devicePassword: c.devicePassword,
		poolName: c.poolName,
		userIdForSrp: c.userIdForSrp,
		password: c.password,
		...exchangeValues(c, pkg),
	});
}

// Added in session 30: device SRP exchanges whose numbers have the shapes that break
// padding (searched over the private a and the server's b), one in February, and one
// with the device whose verifier starts with a zero byte.
function searchDeviceSrp(name, di, timeMs, pred) {
	const { d } = deviceDefs[di];
	for (let t = 0; t < 20000; t++) {
		const r = new Drbg(`device-srp/${name}/${t}`);
		const b = bufToBig(r.bytes(128));
		const c = {
			name,
			poolName: d.deviceGroupKey,
			userIdForSrp: d.deviceKey,
			password: d.out.devicePassword,
			username: d.username,
			deviceGroupKey: d.deviceGroupKey,
			deviceKey: d.deviceKey,
			devicePassword: d.out.devicePassword,
			aHex: r.bytes(128).toString('hex'),
			B: serverB(d.v, b).toString(16),
			salt: d.out.salt,
			secretBlock: randomSecretBlock(r),
			timeMs,
		};
		const ref = refClient(c);
		if (pred(ref, c)) {
			pushDeviceSrp(c, d, b, ref, r);
			return;
		}
	}
	throw new Error(`device SRP search ${name} failed`);
}
const hexOf = v => v.toString(16);
searchDeviceSrp('device-srp-A-msb-set', 0, RealDate.UTC(2027, 1, 3, 0, 7, 9, 5), ref => hexOf(ref.A).length === 768 && /^[89a-f]/.test(hexOf(ref.A)));
searchDeviceSrp('device-srp-A-leading-zero-byte', 3, RealDate.UTC(2026, 1, 28, 23, 0, 0, 0), ref => hexOf(ref.A).length <= 766);
searchDeviceSrp('device-srp-B-odd-length', 1, RealDate.UTC(2030, 5, 9, 9, 9, 9, 9), (ref, c) => c.B.length % 2 === 1);
searchDeviceSrp('device-srp-B-msb-set', 4, RealDate.UTC(2031, 10, 1, 12, 30, 45, 0), (ref, c) => c.B.length === 768 && /^[89a-f]/.test(c.B));
searchDeviceSrp('device-srp-u-leading-zero-byte', 6, RealDate.UTC(2029, 8, 2, 1, 2, 3, 4), ref => hexOf(ref.u).length <= 62);
searchDeviceSrp('device-srp-S-msb-set', 7, RealDate.UTC(2032, 2, 8, 20, 59, 0, 0), ref => hexOf(ref.S).length === 768 && /^[89a-f]/.test(hexOf(ref.S)));
searchDeviceSrp('device-srp-S-leading-zero-byte', 0, RealDate.UTC(2028, 0, 5, 6, 0, 0, 0), ref => hexOf(ref.S).length <= 766);
searchDeviceSrp('device-srp-verifier-leading-zero-byte', deviceDefs.length - 1, RealDate.UTC(2026, 6, 4, 4, 4, 4, 4), () => true);

// ---------------------------------------------------------------------------
// SECRET_HASH (node:crypto; the package has no client-secret support).
const secretHashCases = [];
const SH_USERS = [
	'alice',
	'Alice_Alias',
	'\u00e9l\u00e8ve',
	'e\u0301le\u0300ve',
	'\u7528\u6237\u540d',
	'\u{1F600}smile',
	'+15555550123',
	null, // UUID
	null, // UUID
	'Mixed_Case-User01',
	'a',
	'\u041f\u043e\u043b\u044c\u0437\u043e\u0432\u0430\u0442\u0435\u043b\u044c',
];
SH_USERS.forEach((u, j) => {
	const r = new Drbg(`secret-hash/${j}`);
	const username = u === null ? r.uuid() : u;
	const clientId = r.alnum(26, 'abcdefghijklmnopqrstuvwxyz0123456789');
	const clientSecret = r.alnum(j === 10 ? 1 : 51, 'abcdefghijklmnopqrstuvwxyz0123456789');
	const secretHash = nodeCrypto.createHmac('sha256', Buffer.from(clientSecret, 'utf8')).update(Buffer.from(username + clientId, 'utf8')).digest('base64');
	secretHashCases.push({ name: `secret-hash-${j + 1}`, username, clientId, clientSecret, secretHash });
});

// Added in session 30: usernames NFKC would fold or that mix scripts, and client secrets
// on each side of HMAC-SHA256's 64-byte block (a longer key is hashed first).
[
	['\ufb01\u212a\u212b\uff21user', 51],
	['ju\u0308rgen\u00a0\u3000', 51],
	['\u05e9\u05dc\u05d5\u05dd-\u0645\u0631\u062d\u0628\u0627', 51],
	['alice', 64],
	['alice', 65],
	['\u7528\u6237\u{1F600}', 200],
].forEach(([username, secretLen], k) => {
	const j = SH_USERS.length + k;
	const r = new Drbg(`secret-hash/${j}`);
	const clientId = r.alnum(26, 'abcdefghijklmnopqrstuvwxyz0123456789');
	const clientSecret = r.alnum(secretLen, 'abcdefghijklmnopqrstuvwxyz0123456789');
	const secretHash = nodeCrypto.createHmac('sha256', Buffer.from(clientSecret, 'utf8')).update(Buffer.from(username + clientId, 'utf8')).digest('base64');
	secretHashCases.push({ name: `secret-hash-${j + 1}`, username, clientId, clientSecret, secretHash });
});

// ---------------------------------------------------------------------------
// TIMESTAMP alone (added in session 30): the package's DateHelper at fixed instants.
// Each month on days 1-7 (so every weekday in every month), single-digit hours,
// minutes and seconds, and the edges: the epoch, leap days, the last millisecond of a
// year (seconds are truncated, never rounded), a century that is not a leap year.
const timestampCases = [];
function addTimestamp(ms) {
	const timestamp = pkgTimestamp(ms);
	assert(TS_RE.test(timestamp), `timestamp format ${timestamp}`);
	timestampCases.push({ ms, timestamp });
}
for (let m = 0; m < 12; m++) {
	const r = new Drbg(`timestamp/${m}`);
	const year = 2017 + r.int(20);
	for (let day = 1; day <= 7; day++) {
		addTimestamp(RealDate.UTC(year, m, day, (m * 7 + day) % 24, r.int(60), r.int(10), r.int(1000)));
	}
}
[
	RealDate.UTC(1970, 0, 1, 0, 0, 0, 0),
	RealDate.UTC(2024, 1, 29, 12, 0, 0, 0),
	RealDate.UTC(2100, 1, 28, 23, 59, 59, 999),
	RealDate.UTC(2100, 2, 1, 0, 0, 0, 0),
	RealDate.UTC(2025, 11, 31, 23, 59, 59, 999),
	RealDate.UTC(2026, 0, 1, 0, 0, 0, 0),
	RealDate.UTC(2026, 9, 10, 10, 10, 10, 500),
	RealDate.UTC(2038, 0, 19, 3, 14, 8, 0),
].forEach(addTimestamp);
{
	const weekdayMonth = new Set(timestampCases.map(c => c.timestamp.split(' ').slice(0, 2).join(' ')));
	assertEq(weekdayMonth.size, 84, 'every weekday in every month');
}

// ---------------------------------------------------------------------------
function writeJson(file, obj) {
	fs.writeFileSync(path.join(OUT_DIR, file), `${JSON.stringify(obj, null, 2)}\n`);
}
const NOTES = [
	'Hex integers (A, u, x, S, verifier) are BigInteger.toString(16): lowercase, no leading zeros.',
	'*Pad fields are AuthenticationHelper.padHex: even length, "00" prepended when the first digit is 8-f.',
	'B and salt are the strings exactly as the server sends them (may be uppercase or zero-prefixed); the package parses them as integers.',
	'bKind: how B was made. server = (k*v + g^b) mod N for a random b and the case\'s own verifier (SRP closes: the server S equals S); random = random integer below N; edge = hand-picked (2, abc, N-1); server+N = a server B plus N, not reduced (u hashes the unreduced value); server-zero-prefixed / server-uppercase = a server B spelled with leading "0000" / in uppercase.',
	'loginName is what the user typed (InitiateAuth USERNAME); userIdForSrp is USER_ID_FOR_SRP, used in x, in the signature and as the challenge USERNAME.',
	'a is the 128 private random bytes as 256 lowercase hex digits. K is the 16-byte HKDF output in hex. signature and secretBlock are standard base64.',
];
// CI refuses a file over 512 KiB (.ci/run), and a case takes about 7 KB:
// the SRP cases go SRP_CASES_PER_FILE to a file, srp_vectors.json first,
// then srp_vectors_2.json and so on, each with the same header (the
// package's tests read them as one list, ReadSRPVectors).
const SRP_CASES_PER_FILE = 60;
for (let i = 0; i * SRP_CASES_PER_FILE < srpCases.length; i++) {
	writeJson(i === 0 ? 'srp_vectors.json' : `srp_vectors_${i + 1}.json`, {
		source: SOURCE,
		N: N_HEX,
		g: '2',
		k: probe.k.toString(16),
		notes: NOTES,
		cases: srpCases.slice(i * SRP_CASES_PER_FILE, (i + 1) * SRP_CASES_PER_FILE),
	});
}
writeJson('device_vectors.json', {
	source: SOURCE,
	N: N_HEX,
	g: '2',
	k: probe.k.toString(16),
	notes: [
		'devices: DeviceSecretVerifierConfig as the package sends it in ConfirmDevice. salt is the 16 random bytes the package drew (hex, 32 digits); saltPad = padHex(integer of salt); saltB64 = base64(bytes of saltPad); verifier = g^x mod N; verifierB64 = base64(bytes of padHex(verifier)); devicePassword = base64 of 40 random bytes; x = SHA256(bytes(saltPad) | SHA256(deviceGroupKey | deviceKey | ":" | devicePassword)).',
		'deviceSrp: DEVICE_PASSWORD_VERIFIER cases; poolName = deviceGroupKey, userIdForSrp = deviceKey, password = devicePassword; username is what the package sends as USERNAME (the user, not the device). Fields otherwise as in srp_vectors.json.',
	].concat(NOTES),
	devices: deviceCases,
	deviceSrp: deviceSrpCases,
});
writeJson('secret_hash_vectors.json', {
	source: 'node:crypto HMAC-SHA256 via testdata/oracle/gen_vectors.js (amazon-cognito-identity-js has no client-secret support)',
	notes: ['secretHash = base64std(HMAC-SHA256(key = UTF-8 clientSecret, msg = UTF-8 (username + clientId)))'],
	cases: secretHashCases,
});
writeJson('timestamp_vectors.json', {
	source: SOURCE,
	notes: ['timestamp is DateHelper().getNowString() with the clock pinned at ms (milliseconds since the Unix epoch, UTC): the TIMESTAMP of a PASSWORD_VERIFIER answer.'],
	cases: timestampCases,
});
console.log(
	`wrote ${srpCases.length} SRP, ${deviceCases.length} device, ${deviceSrpCases.length} device-SRP, ${secretHashCases.length} secret-hash, ${timestampCases.length} timestamp cases (${SOURCE})`
);
