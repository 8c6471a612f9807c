// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Cross-check of the emulator against the official JavaScript client:
// amazon-cognito-identity-js logs in with USER_SRP_AUTH to
// `cognito-srp emulate`, renews its session, fails with a wrong password,
// and, on a pool with device tracking, confirms a device and logs in again
// with device SRP. Not needed by `go test`; run it with
//
//	cd cognitotest/interop && npm install && npm test
'use strict';

const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const {
	AuthenticationDetails,
	CognitoUser,
	CognitoUserPool,
} = require('amazon-cognito-identity-js');

const repo = path.resolve(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cognitotest-interop-'));
const binary = path.join(tmp, 'cognito-srp');
const children = [];

// emulate starts `cognito-srp emulate` and resolves with the variables it
// prints.
function emulate(extraArgs) {
	const users = path.join(tmp, 'users.json');
	fs.writeFileSync(
		users,
		JSON.stringify([
			{ Username: 'alice', Password: 'Alice-pw-1234' },
			{ Aliases: ['bob@example.com'], Password: 'Bob-pw-12345' },
		])
	);
	const child = spawn(binary, ['emulate', '-quiet', '-addr', '127.0.0.1:0', '-users', users, ...extraArgs], {
		stdio: ['ignore', 'pipe', 'inherit'],
	});
	children.push(child);
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

// login uses the client's default storage: in Node, memory shared by the
// process, where it keeps the remembered device between logins.
function login(pool, username, password) {
	const user = new CognitoUser({ Username: username, Pool: pool });
	user.setAuthenticationFlowType('USER_SRP_AUTH');
	return new Promise((resolve, reject) => {
		user.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
			onSuccess: session => resolve({ user, session }),
			onFailure: reject,
			mfaRequired: name => reject(new Error(`unexpected ${name}`)),
			newPasswordRequired: () => reject(new Error('unexpected NEW_PASSWORD_REQUIRED')),
		});
	});
}

function refresh(user, session) {
	return new Promise((resolve, reject) =>
		user.refreshSession(session.getRefreshToken(), (err, s) => (err ? reject(err) : resolve(s)))
	);
}

function check(cond, what) {
	if (!cond) throw new Error(`FAIL: ${what}`);
	console.log(`ok   ${what}`);
}

async function main() {
	execFileSync('go', ['build', '-o', binary, './cmd/cognito-srp'], { cwd: repo, stdio: 'inherit' });

	// A plain pool: SRP login by name and by alias, renewal, wrong password.
	let env = await emulate([]);
	let pool = new CognitoUserPool({
		UserPoolId: env.COGNITO_USER_POOL_ID,
		ClientId: env.COGNITO_CLIENT_ID,
		endpoint: env.COGNITO_ENDPOINT,
	});
	let { user, session } = await login(pool, 'alice', 'Alice-pw-1234');
	check(session.isValid(), 'USER_SRP_AUTH login of alice');
	check(session.getAccessToken().decodePayload().username === 'alice', 'access token names alice');
	const bob = await login(pool, 'bob@example.com', 'Bob-pw-12345');
	const sub = bob.session.getIdToken().decodePayload().sub;
	check(bob.session.getAccessToken().decodePayload().username === sub, 'alias login: internal username is the sub');
	const renewed = await refresh(user, session);
	check(renewed.getAccessToken().getJwtToken() !== '' && renewed.getRefreshToken().getToken() === session.getRefreshToken().getToken(),
		'refreshSession (REFRESH_TOKEN_AUTH) keeps the refresh token');
	const refused = await login(pool, 'alice', 'wrong').then(() => null, err => err);
	check(refused && refused.code === 'NotAuthorizedException' && refused.message === 'Incorrect username or password.',
		'wrong password refused');

	// Device tracking: the client confirms the device after the first
	// login, then logs in with device SRP and renews with DEVICE_KEY.
	env = await emulate(['-device-tracking']);
	pool = new CognitoUserPool({
		UserPoolId: env.COGNITO_USER_POOL_ID,
		ClientId: env.COGNITO_CLIENT_ID,
		endpoint: env.COGNITO_ENDPOINT,
	});
	({ user, session } = await login(pool, 'alice', 'Alice-pw-1234'));
	const deviceKey = user.deviceKey;
	check(deviceKey && deviceKey.startsWith('us-east-1_'), 'new device issued and confirmed by ConfirmDevice');
	({ user, session } = await login(pool, 'alice', 'Alice-pw-1234'));
	check(user.deviceKey === deviceKey && session.getAccessToken().decodePayload().device_key === deviceKey,
		'device SRP login on the remembered device (DEVICE_SRP_AUTH, DEVICE_PASSWORD_VERIFIER)');
	const again = await refresh(user, session);
	check(again.isValid(), 'refreshSession with DEVICE_KEY');
	console.log('all interop checks passed');
}

main()
	.catch(err => {
		console.error(err);
		process.exitCode = 1;
	})
	.finally(() => {
		for (const c of children) c.kill('SIGINT');
		fs.rmSync(tmp, { recursive: true, force: true });
	});
