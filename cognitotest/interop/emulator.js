// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// What the interop scripts share: building `cognito-srp`, starting
// `cognito-srp emulate` pools, stopping them, the checks' output, and
// driving amazon-cognito-identity-js (login.js, app.js).
'use strict';

const { execFileSync, spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { AuthenticationDetails, CognitoUser, CognitoUserPool } = require('amazon-cognito-identity-js');

const repo = path.resolve(__dirname, '..', '..');

// Emulator builds the command in a temporary directory and starts pools
// from it; close stops them and removes the directory.
class Emulator {
	constructor() {
		this.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cognitotest-interop-'));
		this.binary = path.join(this.tmp, 'cognito-srp');
		this.children = [];
	}

	build() {
		execFileSync('go', ['build', '-o', this.binary, './cmd/cognito-srp'], { cwd: repo, stdio: 'inherit' });
	}

	// start runs `cognito-srp emulate` with users (written to a file) and
	// flags, and resolves with the variables it prints (COGNITO_ENDPOINT…).
	start(flags, users) {
		const file = path.join(this.tmp, `users-${this.children.length}.json`);
		fs.writeFileSync(file, JSON.stringify(users));
		const args = ['emulate', '-quiet', '-addr', '127.0.0.1:0', '-users', file, ...flags];
		const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
		this.children.push(child);
		return new Promise((resolve, reject) => {
			child.on('exit', code => reject(new Error(`emulate exited with ${code}`)));
			const vars = {};
			readline.createInterface({ input: child.stdout }).on('line', line => {
				if (!line.startsWith('export ')) return;
				for (const kv of line.slice(7).split(' ')) {
					const [k, v] = kv.split('=');
					vars[k] = v;
				}
				resolve(vars);
			});
		});
	}

	close() {
		for (const c of this.children) c.kill('SIGINT');
		fs.rmSync(this.tmp, { recursive: true, force: true });
	}
}

// run builds the command, runs main with an Emulator, and stops it; a
// failure sets the exit code.
function run(main) {
	const emu = new Emulator();
	Promise.resolve()
		.then(() => {
			emu.build();
			return main(emu);
		})
		.catch(err => {
			console.error(err);
			process.exitCode = 1;
		})
		.finally(() => emu.close());
}

function check(cond, what) {
	if (!cond) throw new Error(`FAIL: ${what}`);
	console.log(`ok   ${what}`);
}

// totp is the RFC 6238 code of a base32 secret (SHA-1, six digits, 30 s),
// as an authenticator app shows it at time at (ms).
function totp(secret, at = Date.now()) {
	const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
	let bits = '';
	for (const c of secret.replace(/=+$/, '')) bits += alphabet.indexOf(c.toUpperCase()).toString(2).padStart(5, '0');
	const key = Buffer.from(bits.match(/.{8}/g).map(b => parseInt(b, 2)));
	const counter = Buffer.alloc(8);
	counter.writeBigUInt64BE(BigInt(Math.floor(at / 30000)));
	const h = crypto.createHmac('sha1', key).update(counter).digest();
	return String((h.readUInt32BE(h[h.length - 1] & 15) & 0x7fffffff) % 1e6).padStart(6, '0');
}

// step runs one call of the client's callback API and resolves with the
// callback it ended in, its name in kind: the client calls one of them per
// round trip. A call that ends in none (the client waits for nothing)
// fails after 10 s instead of hanging the suite.
function step(call) {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('no callback within 10 s')), 10000);
		const end = (kind, ...args) => {
			clearTimeout(timer);
			resolve({ kind, args });
		};
		call({
			onSuccess: (...a) => end('onSuccess', ...a),
			onFailure: err => {
				clearTimeout(timer);
				reject(err);
			},
			mfaRequired: (...a) => end('mfaRequired', ...a),
			totpRequired: (...a) => end('totpRequired', ...a),
			selectMFAType: (...a) => end('selectMFAType', ...a),
			mfaSetup: (...a) => end('mfaSetup', ...a),
			customChallenge: (...a) => end('customChallenge', ...a),
			newPasswordRequired: (...a) => end('newPasswordRequired', ...a),
			associateSecretCode: (...a) => end('associateSecretCode', ...a),
		});
	});
}

// failure resolves with the error a step failed with, or null.
function failure(call) {
	return step(call).then(() => null, err => err);
}

// newPool is the client's pool of the emulator whose variables env holds.
function newPool(env) {
	return new CognitoUserPool({
		UserPoolId: env.COGNITO_USER_POOL_ID,
		ClientId: env.COGNITO_CLIENT_ID,
		endpoint: env.COGNITO_ENDPOINT,
	});
}

// start begins a login of username with flow (USER_SRP_AUTH by default).
function start(pool, username, password, flow = 'USER_SRP_AUTH') {
	const user = new CognitoUser({ Username: username, Pool: pool });
	user.setAuthenticationFlowType(flow);
	const details = new AuthenticationDetails({ Username: username, Password: password });
	return { user, first: step(cb => user.authenticateUser(details, cb)) };
}

module.exports = { run, check, totp, step, failure, newPool, start };
