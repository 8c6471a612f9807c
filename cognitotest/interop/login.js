// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Cross-check of the emulator against the official JavaScript client:
// amazon-cognito-identity-js logs in with USER_SRP_AUTH to
// `cognito-srp emulate`, renews its session, fails with a wrong password;
// answers SMS_MFA, SOFTWARE_TOKEN_MFA, SELECT_MFA_TYPE, MFA_SETUP,
// NEW_PASSWORD_REQUIRED and CUSTOM_CHALLENGE (CUSTOM_AUTH with and
// without SRP), logs in with USER_PASSWORD_AUTH, and sees its tokens
// refused after globalSignOut and signOut with revocation; and, on a pool
// with device tracking, confirms a device and logs in again with device
// SRP, which skips MFA, after any first factor; on a pool that remembers
// a device only when the user opts in, remembers it with UpdateDeviceStatus
// and forgets it again. It also checks the client against the flags that
// change a pool's answers: -session-ttl (an expired Session),
// -no-token-revocation (signOut without RevokeToken), -id-token-ttl
// (an id token that expires first), -failure-rate and -fault (injected
// errors read as Cognito's), -latency and -client-secret-file. Not needed
// by `go test`; run it (about 20 s), and sdk.js after it, with
//
//	cd cognitotest/interop && npm ci && npm test
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const {
	AuthenticationDetails,
	CognitoRefreshToken,
	CognitoUser,
	CognitoUserPool,
} = require('amazon-cognito-identity-js');
const { run, check, totp, step, failure, newPool, start } = require('./emulator.js');

// emu starts the pools: run sets it.
let emu;

// targets records each API call the client makes, by endpoint and
// action. The client calls the global fetch (Node's own), looking it up
// at each call, so this wrapper sees every request it sends.
const targets = [];
const realFetch = globalThis.fetch;
globalThis.fetch = (url, options) => {
	targets.push({ endpoint: String(url), action: options.headers['X-Amz-Target'].replace(/^.*\./, '') });
	return realFetch(url, options);
};

// callsTo counts the client's calls of action to the pool of env.
function callsTo(env, action) {
	return targets.filter(t => t.endpoint === env.COGNITO_ENDPOINT && t.action === action).length;
}

// emulate starts a pool of alice, bob and moreUsers, and resolves with
// the variables `cognito-srp emulate` prints.
function emulate(extraArgs, moreUsers = []) {
	return emu.start(extraArgs, [
		{ Username: 'alice', Password: 'Alice-pw-1234' },
		{ Aliases: ['bob@example.com'], Password: 'Bob-pw-12345' },
		...moreUsers,
	]);
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

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

async function main() {
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

	// Second factors, a new password, custom challenges and sign-out, each
	// driven through the client's own callbacks. Codes: SMS_MFA takes the
	// emulator's fixed code (User.MFACode, DefaultMFACode by default);
	// SOFTWARE_TOKEN_MFA the RFC 6238 code of the user's TOTPSecret.
	const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
	env = await emulate(['-user-password-auth'], [
		{ Username: 'carol', Password: 'Carol-pw-1234', Aliases: ['+15555550123'], SMSMFA: true },
		{ Username: 'dave', Password: 'Dave-pw-12345', TOTPSecret: secret },
		{ Username: 'erin', Password: 'Erin-pw-12345', MFASetup: true },
		{ Username: 'frank', Password: 'Frank-pw-1234', ForceNewPassword: true, RequiredAttributes: ['name'], Attributes: { email: 'frank@example.com' } },
		{ Username: 'grace', Password: 'Grace-pw-1234', Aliases: ['+15555550124'], SMSMFA: true, TOTPSecret: secret },
		{ Username: 'heidi', Password: 'Heidi-pw-1234', CustomChallenge: { question: 'two plus two' }, CustomAnswer: '4' },
		{ Username: 'ivan', Password: 'Ivan-pw-12345', Aliases: ['+15555550125'], SMSMFA: true },
		{ Username: 'kim', Password: 'Kim-pw-123456' },
	]);
	pool = new CognitoUserPool({
		UserPoolId: env.COGNITO_USER_POOL_ID,
		ClientId: env.COGNITO_CLIENT_ID,
		endpoint: env.COGNITO_ENDPOINT,
	});
	const named = (r, name) => r.kind === 'onSuccess' && r.args[0].getAccessToken().decodePayload().username === name;

	// SMS_MFA, a wrong code, then the right one on the same Session.
	let { user: u, first } = start(pool, 'carol', 'Carol-pw-1234');
	let r = await first;
	check(r.kind === 'mfaRequired' && r.args[0] === 'SMS_MFA' && r.args[1].CODE_DELIVERY_DELIVERY_MEDIUM === 'SMS' &&
		r.args[1].CODE_DELIVERY_DESTINATION === '+*******0123', 'SMS_MFA: mfaRequired names the masked phone number');
	let err = await failure(cb => u.sendMFACode('000000', cb));
	check(err && err.code === 'CodeMismatchException' && err.message === 'Invalid code or auth state for the user.',
		'wrong SMS_MFA code: CodeMismatchException');
	r = await step(cb => u.sendMFACode('123456', cb));
	check(named(r, 'carol'), 'SMS_MFA: sendMFACode after a wrong code signs in');

	// Too many wrong codes spend the Session.
	({ user: u, first } = start(pool, 'ivan', 'Ivan-pw-12345'));
	await first;
	const codes = [];
	for (let i = 0; i < 4; i++) {
		const e = await failure(cb => u.sendMFACode(i < 3 ? '000000' : '123456', cb));
		codes.push(e && `${e.code}: ${e.message}`);
	}
	check(codes.slice(0, 3).every(c => c === 'CodeMismatchException: Invalid code or auth state for the user.') &&
		codes[3] === 'NotAuthorizedException: Invalid session for the user.',
		'three wrong codes spend the Session: the right code is then refused');

	// SOFTWARE_TOKEN_MFA with the code of the user's secret.
	({ user: u, first } = start(pool, 'dave', 'Dave-pw-12345'));
	r = await first;
	check(r.kind === 'totpRequired' && r.args[0] === 'SOFTWARE_TOKEN_MFA', 'SOFTWARE_TOKEN_MFA: totpRequired');
	err = await failure(cb => u.sendMFACode('000000', cb, 'SOFTWARE_TOKEN_MFA'));
	check(err && err.code === 'CodeMismatchException', 'wrong SOFTWARE_TOKEN_MFA code: CodeMismatchException');
	r = await step(cb => u.sendMFACode(totp(secret), cb, 'SOFTWARE_TOKEN_MFA'));
	check(named(r, 'dave'), "SOFTWARE_TOKEN_MFA: sendMFACode with the authenticator's code signs in");

	// MFA_SETUP: associateSoftwareToken and verifySoftwareToken end the
	// login; the next login asks for a code of the new secret.
	({ user: u, first } = start(pool, 'erin', 'Erin-pw-12345'));
	r = await first;
	check(r.kind === 'mfaSetup' && r.args[0] === 'MFA_SETUP' && r.args[1].MFAS_CAN_SETUP === '["SOFTWARE_TOKEN_MFA"]',
		'MFA_SETUP: mfaSetup offers SOFTWARE_TOKEN_MFA');
	r = await step(cb => u.associateSoftwareToken(cb));
	const erinSecret = r.args[0];
	check(r.kind === 'associateSecretCode' && /^[A-Z2-7]{32}$/.test(erinSecret), 'associateSoftwareToken hands out a base32 secret');
	err = await failure(cb => u.verifySoftwareToken('000000', 'interop', cb));
	check(err && err.code === 'EnableSoftwareTokenMFAException', 'verifySoftwareToken refuses a wrong code');
	const verifiedAt = Date.now();
	r = await step(cb => u.verifySoftwareToken(totp(erinSecret, verifiedAt), 'interop', cb));
	check(named(r, 'erin'), 'verifySoftwareToken then MFA_SETUP signs in');
	({ user: u, first } = start(pool, 'erin', 'Erin-pw-12345'));
	r = await first;
	check(r.kind === 'totpRequired', 'after MFA_SETUP the login asks for SOFTWARE_TOKEN_MFA');
	// Cognito takes each code once: the one that verified the token is
	// refused, and the Session waits for the next one (the time step
	// after verifiedAt's, which Cognito takes a step early too).
	err = await failure(cb => u.sendMFACode(totp(erinSecret, verifiedAt), cb, 'SOFTWARE_TOKEN_MFA'));
	check(err && err.code === 'ExpiredCodeException', 'SOFTWARE_TOKEN_MFA with the code that verified the token: ExpiredCodeException');
	r = await step(cb => u.sendMFACode(totp(erinSecret, verifiedAt + 30000), cb, 'SOFTWARE_TOKEN_MFA'));
	check(named(r, 'erin'), 'SOFTWARE_TOKEN_MFA with the next code of the secret set up');

	// A signed-in user sets up TOTP with its access token.
	({ user: u, first } = start(pool, 'kim', 'Kim-pw-123456'));
	check(named(await first, 'kim'), 'kim signs in without a second factor');
	r = await step(cb => u.associateSoftwareToken(cb));
	const kimSecret = r.args[0];
	check(r.kind === 'associateSecretCode' && /^[A-Z2-7]{32}$/.test(kimSecret), 'associateSoftwareToken with the access token');
	r = await step(cb => u.verifySoftwareToken(totp(kimSecret), 'interop', cb));
	check(r.kind === 'onSuccess' && r.args[0].Status === 'SUCCESS', 'verifySoftwareToken with the access token: Status SUCCESS');
	// Verified is not on: the next login asks for no code until
	// setUserMfaPreference turns TOTP on (app.js checks both).

	// SELECT_MFA_TYPE: either factor can be chosen.
	for (const [choice, callback, code] of [
		['SOFTWARE_TOKEN_MFA', 'totpRequired', () => totp(secret)],
		['SMS_MFA', 'mfaRequired', () => '123456'],
	]) {
		({ user: u, first } = start(pool, 'grace', 'Grace-pw-1234'));
		r = await first;
		check(r.kind === 'selectMFAType' && r.args[0] === 'SELECT_MFA_TYPE' &&
			JSON.parse(r.args[1].MFAS_CAN_CHOOSE).sort().join() === 'SMS_MFA,SOFTWARE_TOKEN_MFA',
			'SELECT_MFA_TYPE: selectMFAType offers both factors');
		r = await step(cb => u.sendMFASelectionAnswer(choice, cb));
		check(r.kind === callback && r.args[0] === choice, `sendMFASelectionAnswer(${choice}): ${callback}`);
		r = await step(cb => u.sendMFACode(code(), cb, choice));
		check(named(r, 'grace'), `${choice} chosen: sendMFACode signs in`);
	}

	// NEW_PASSWORD_REQUIRED with a required attribute.
	({ user: u, first } = start(pool, 'frank', 'Frank-pw-1234'));
	r = await first;
	check(r.kind === 'newPasswordRequired' && r.args[0].email === 'frank@example.com' && r.args[1].join() === 'name',
		'NEW_PASSWORD_REQUIRED: newPasswordRequired with the attributes and the required one');
	err = await failure(cb => u.completeNewPasswordChallenge('Frank-new-pw-1', {}, cb));
	check(err && err.code === 'InvalidParameterException', 'completeNewPasswordChallenge without the required attribute refused');
	({ user: u, first } = start(pool, 'frank', 'Frank-pw-1234'));
	await first;
	r = await step(cb => u.completeNewPasswordChallenge('Frank-new-pw-1', { name: 'Frank' }, cb));
	check(named(r, 'frank') && r.args[0].getIdToken().decodePayload().name === 'Frank',
		'completeNewPasswordChallenge signs in with the attribute set');
	({ first } = start(pool, 'frank', 'Frank-new-pw-1'));
	check(named(await first, 'frank'), 'the new password signs in without a challenge');

	// CUSTOM_AUTH, without a password (initiateAuth) and after SRP.
	u = new CognitoUser({ Username: 'heidi', Pool: pool });
	u.setAuthenticationFlowType('CUSTOM_AUTH');
	r = await step(cb => u.initiateAuth(new AuthenticationDetails({ Username: 'heidi' }), cb));
	check(r.kind === 'customChallenge' && r.args[0].question === 'two plus two', 'CUSTOM_AUTH: initiateAuth gets the CUSTOM_CHALLENGE');
	r = await step(cb => u.sendCustomChallengeAnswer('4', cb));
	check(named(r, 'heidi'), 'CUSTOM_AUTH: sendCustomChallengeAnswer signs in');
	({ user: u, first } = start(pool, 'heidi', 'Heidi-pw-1234', 'CUSTOM_AUTH'));
	r = await first;
	check(r.kind === 'customChallenge' && r.args[0].question === 'two plus two', 'CUSTOM_AUTH with SRP_A: the password, then the CUSTOM_CHALLENGE');
	err = await failure(cb => u.sendCustomChallengeAnswer('5', cb));
	check(err && err.code === 'NotAuthorizedException', 'CUSTOM_AUTH: a wrong answer is refused');
	({ user: u, first } = start(pool, 'heidi', 'Heidi-pw-1234', 'CUSTOM_AUTH'));
	await first;
	r = await step(cb => u.sendCustomChallengeAnswer('4', cb));
	check(named(r, 'heidi'), 'CUSTOM_AUTH with SRP_A: sendCustomChallengeAnswer signs in');
	err = await start(pool, 'heidi', 'wrong', 'CUSTOM_AUTH').first.then(() => null, e => e);
	check(err && err.code === 'NotAuthorizedException' && err.message === 'Incorrect username or password.',
		'CUSTOM_AUTH with SRP_A: a wrong password is refused');

	// USER_PASSWORD_AUTH, by name and alias, and with a second factor.
	r = await start(pool, 'alice', 'Alice-pw-1234', 'USER_PASSWORD_AUTH').first;
	check(named(r, 'alice'), 'USER_PASSWORD_AUTH signs in');
	r = await start(pool, 'bob@example.com', 'Bob-pw-12345', 'USER_PASSWORD_AUTH').first;
	check(r.kind === 'onSuccess' && r.args[0].getIdToken().decodePayload().email === 'bob@example.com', 'USER_PASSWORD_AUTH by alias');
	err = await start(pool, 'alice', 'wrong', 'USER_PASSWORD_AUTH').first.then(() => null, e => e);
	check(err && err.code === 'NotAuthorizedException' && err.message === 'Incorrect username or password.',
		'USER_PASSWORD_AUTH: wrong password refused');
	({ user: u, first } = start(pool, 'carol', 'Carol-pw-1234', 'USER_PASSWORD_AUTH'));
	r = await first;
	check(r.kind === 'mfaRequired', 'USER_PASSWORD_AUTH then SMS_MFA');
	check(named(await step(cb => u.sendMFACode('123456', cb)), 'carol'), 'USER_PASSWORD_AUTH: sendMFACode signs in');

	// globalSignOut and signOut with revocation: the refresh token is then
	// refused, and so is the access token. The client retries a refused
	// refresh for about 6 s, so the two run at once.
	const revoked = async how => {
		const { user: v, first: f } = start(pool, 'alice', 'Alice-pw-1234');
		const s = (await f).args[0];
		await new Promise((resolve, reject) => {
			if (how === 'globalSignOut') v.globalSignOut({ onSuccess: resolve, onFailure: reject });
			else v.signOut(e => (e ? reject(e) : resolve()));
		});
		const other = new CognitoUser({ Username: 'alice', Pool: pool });
		other.setSignInUserSession(s);
		const denied = await new Promise(resolve => other.getUserAttributes(e => resolve(e)));
		const refused = await refresh(other, s).then(() => null, e => e);
		check(denied && denied.code === 'NotAuthorizedException' && denied.message === 'Access Token has been revoked',
			`${how}: the access token is refused (GetUser)`);
		check(refused && refused.code === 'NotAuthorizedException' && refused.message === 'Refresh Token has been revoked',
			`${how}: refreshSession is refused`);
	};
	// The pools of the flags run meanwhile: each has a client id of its own,
	// so that the client's storage (shared by the process, by client id
	// and user name) keeps their users apart.
	await Promise.all([revoked('globalSignOut'), revoked('signOut (RevokeToken)'),
		noRevocation(), idTokenFirst(), faults(), latency(), clientSecret()]);

	// An expired Session: a pool whose Sessions last one second.
	env = await emulate(['-session-ttl', '1s'], [
		{ Username: 'carol', Password: 'Carol-pw-1234', Aliases: ['+15555550123'], SMSMFA: true },
	]);
	const shortPool = new CognitoUserPool({
		UserPoolId: env.COGNITO_USER_POOL_ID,
		ClientId: env.COGNITO_CLIENT_ID,
		endpoint: env.COGNITO_ENDPOINT,
	});
	({ user: u, first } = start(shortPool, 'carol', 'Carol-pw-1234'));
	await first;
	await new Promise(resolve => setTimeout(resolve, 1500));
	err = await failure(cb => u.sendMFACode('123456', cb));
	check(err && err.code === 'NotAuthorizedException' && err.message === 'Invalid session for the user, session is expired.',
		'an expired Session: NotAuthorizedException');


	// login, then logs in with device SRP and renews with DEVICE_KEY.
	env = await emulate(['-device-tracking', '-user-password-auth'], [
		{ Username: 'judy', Password: 'Judy-pw-12345', Aliases: ['+15555550126'], SMSMFA: true },
		{ Username: 'heidi', Password: 'Heidi-pw-1234', CustomChallenge: { question: 'two plus two' }, CustomAnswer: '4' },
	]);
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
	r = await start(pool, 'alice', 'Alice-pw-1234', 'USER_PASSWORD_AUTH').first;
	check(r.kind === 'onSuccess' && r.args[0].getAccessToken().decodePayload().device_key === deviceKey,
		'USER_PASSWORD_AUTH on the remembered device (then DEVICE_SRP_AUTH)');

	// A remembered device stands in for the second factor: the first login
	// asks for the code and confirms the device (in sendMFACode), the next
	// proves the device and gets no MFA challenge.
	({ user: u, first } = start(pool, 'judy', 'Judy-pw-12345'));
	r = await first;
	check(r.kind === 'mfaRequired', 'device pool: the first login asks for SMS_MFA');
	r = await step(cb => u.sendMFACode('123456', cb));
	const judyDevice = u.deviceKey;
	check(r.kind === 'onSuccess' && judyDevice && r.args[0].getAccessToken().decodePayload().device_key === judyDevice,
		'sendMFACode confirms the new device');
	({ user: u, first } = start(pool, 'judy', 'Judy-pw-12345'));
	r = await first;
	check(r.kind === 'onSuccess' && r.args[0].getAccessToken().decodePayload().device_key === judyDevice,
		'the remembered device skips SMS_MFA');

	// A device forgotten at Cognito while the client still holds it: the
	// client sends the PASSWORD_VERIFIER answer again without DEVICE_KEY.
	r = await step(cb => u.forgetSpecificDevice(judyDevice, cb));
	({ user: u, first } = start(pool, 'judy', 'Judy-pw-12345'));
	r = await first;
	check(r.kind === 'mfaRequired' && u.deviceKey === null, 'a forgotten device: the login goes on without it, with SMS_MFA');
	r = await step(cb => u.sendMFACode('123456', cb));
	check(r.kind === 'onSuccess' && u.deviceKey && u.deviceKey !== judyDevice, 'a forgotten device: a new one is confirmed');

	// CUSTOM_AUTH on a remembered device proves it after the challenge.
	({ user: u, first } = start(pool, 'heidi', 'Heidi-pw-1234', 'CUSTOM_AUTH'));
	await first;
	r = await step(cb => u.sendCustomChallengeAnswer('4', cb));
	const heidiDevice = u.deviceKey;
	check(r.kind === 'onSuccess' && heidiDevice, 'CUSTOM_AUTH on a device pool: a new device confirmed');
	({ user: u, first } = start(pool, 'heidi', 'Heidi-pw-1234', 'CUSTOM_AUTH'));
	await first;
	r = await step(cb => u.sendCustomChallengeAnswer('4', cb));
	check(r.kind === 'onSuccess' && r.args[0].getAccessToken().decodePayload().device_key === heidiDevice,
		'CUSTOM_AUTH on the remembered device: DEVICE_SRP_AUTH after the CUSTOM_CHALLENGE');
	// initiateAuth sends no DEVICE_KEY: the client names the device in its
	// answer to the CUSTOM_CHALLENGE only.
	u = new CognitoUser({ Username: 'heidi', Pool: pool });
	u.setAuthenticationFlowType('CUSTOM_AUTH');
	await step(cb => u.initiateAuth(new AuthenticationDetails({ Username: 'heidi' }), cb));
	r = await step(cb => u.sendCustomChallengeAnswer('4', cb));
	check(r.kind === 'onSuccess' && u.deviceKey === heidiDevice && r.args[0].getAccessToken().decodePayload().device_key === heidiDevice,
		'CUSTOM_AUTH without SRP on the remembered device: DEVICE_KEY in the answer, then DEVICE_SRP_AUTH');

	// A pool that remembers a device only when the user opts in: ConfirmDevice
	// answers UserConfirmationNecessary, and the device stands in for MFA only
	// once the client has called UpdateDeviceStatus (setDeviceStatusRemembered).
	env = await emulate(['-device-opt-in'], [
		{ Username: 'ivan', Password: 'Ivan-pw-123456', Aliases: ['+15555550127'], SMSMFA: true },
	]);
	pool = new CognitoUserPool({
		UserPoolId: env.COGNITO_USER_POOL_ID,
		ClientId: env.COGNITO_CLIENT_ID,
		endpoint: env.COGNITO_ENDPOINT,
	});
	({ user: u, first } = start(pool, 'ivan', 'Ivan-pw-123456'));
	r = await first;
	check(r.kind === 'mfaRequired', 'opt-in device pool: the first login asks for SMS_MFA');
	r = await step(cb => u.sendMFACode('123456', cb));
	const ivanDevice = u.deviceKey;
	check(r.kind === 'onSuccess' && r.args[1] === true && ivanDevice,
		'opt-in device pool: ConfirmDevice answers UserConfirmationNecessary');
	({ user: u, first } = start(pool, 'ivan', 'Ivan-pw-123456'));
	r = await first;
	check(r.kind === 'mfaRequired', 'a device not yet remembered does not stand in for SMS_MFA');
	r = await step(cb => u.sendMFACode('123456', cb));
	check(r.kind === 'onSuccess' && u.deviceKey === ivanDevice && r.args[0].getAccessToken().decodePayload().device_key === ivanDevice,
		'a device not yet remembered: no new device, the tokens name the tracked one');
	r = await step(cb => u.setDeviceStatusRemembered(cb));
	check(r.kind === 'onSuccess', 'setDeviceStatusRemembered (UpdateDeviceStatus "remembered")');
	({ user: u, first } = start(pool, 'ivan', 'Ivan-pw-123456'));
	r = await first;
	check(r.kind === 'onSuccess' && r.args[0].getAccessToken().decodePayload().device_key === ivanDevice,
		'the device the user opted in to skips SMS_MFA (device SRP)');
	r = await step(cb => u.setDeviceStatusNotRemembered(cb));
	check(r.kind === 'onSuccess', 'setDeviceStatusNotRemembered (UpdateDeviceStatus "not_remembered")');
	({ user: u, first } = start(pool, 'ivan', 'Ivan-pw-123456'));
	r = await first;
	check(r.kind === 'mfaRequired', 'setDeviceStatusNotRemembered: SMS_MFA is asked again');
	console.log('all interop checks passed');
}

// noRevocation: on an app client with token revocation off the tokens
// carry no origin_jti, so the client's signOut(callback) does not call
// RevokeToken (revokeTokens checks isSessionRevocable) and succeeds; the
// tokens then still work, as nothing was revoked.
async function noRevocation() {
	const env = await emulate(['-no-token-revocation', '-client-id', 'norevocation']);
	const pool = newPool(env);
	const { user, session } = await login(pool, 'alice', 'Alice-pw-1234');
	const access = session.getAccessToken().decodePayload();
	const id = session.getIdToken().decodePayload();
	check(!('origin_jti' in access) && !('jti' in access) && !('origin_jti' in id) && !('jti' in id),
		'-no-token-revocation: the tokens carry neither origin_jti nor jti');
	await new Promise((resolve, reject) => user.signOut(e => (e ? reject(e) : resolve())));
	check(callsTo(env, 'RevokeToken') === 0 && user.getSignInUserSession() === null,
		'-no-token-revocation: signOut succeeds without calling RevokeToken');
	const other = new CognitoUser({ Username: 'alice', Pool: pool });
	other.setSignInUserSession(session);
	const attrs = await new Promise((resolve, reject) => other.getUserAttributes((e, a) => (e ? reject(e) : resolve(a))));
	const renewed = await refresh(other, session);
	check(attrs.length > 0 && renewed.isValid(),
		'-no-token-revocation: after signOut the access token (GetUser) and the refresh token still work');
	// RevokeToken itself, in one call: revokeToken would retry it for 6 s.
	const err = await new Promise(resolve => pool.client.request('RevokeToken',
		{ Token: session.getRefreshToken().getToken(), ClientId: env.COGNITO_CLIENT_ID }, e => resolve(e)));
	check(err && err.code === 'UnsupportedOperationException' && err.name === err.code &&
		err.message === 'Token revocation is not enabled for this app client.',
		'-no-token-revocation: RevokeToken refused with UnsupportedOperationException');
}

// idTokenFirst: an id token that expires before the access token. The
// client's session.isValid() checks both tokens' exp (less the clock
// drift it measured at login), so it turns false with the id token, and
// getSession then renews with refreshSession (REFRESH_TOKEN_AUTH).
async function idTokenFirst() {
	const env = await emulate(['-id-token-ttl', '2s', '-client-id', 'shortidtoken']);
	const pool = newPool(env);
	const { user, session } = await login(pool, 'alice', 'Alice-pw-1234');
	const id = session.getIdToken();
	const access = session.getAccessToken();
	check(id.getExpiration() - id.getIssuedAt() === 2 && access.getExpiration() - access.getIssuedAt() === 3600,
		'-id-token-ttl 2s: the id token lasts 2 s, the access token an hour');
	await sleep((id.getExpiration() + session.getClockDrift()) * 1000 - Date.now() + 100);
	check(!session.isValid() && Date.now() / 1000 - session.getClockDrift() < access.getExpiration(),
		'-id-token-ttl: isValid() is false once the id token has expired, the access token still valid');
	const before = callsTo(env, 'InitiateAuth');
	const renewed = await new Promise((resolve, reject) => user.getSession((e, s) => (e ? reject(e) : resolve(s))));
	check(renewed.isValid() && renewed.getIdToken().getExpiration() > id.getExpiration() &&
		renewed.getRefreshToken().getToken() === session.getRefreshToken().getToken() &&
		callsTo(env, 'InitiateAuth') === before + 1,
		'-id-token-ttl: getSession renews the expired id token with one REFRESH_TOKEN_AUTH');
}

// faults: every call failing with -fault. The client reads the error's
// __type and message from the body as Cognito's; authenticateUser does
// not retry, refreshSession (and revokeToken) retry any error with
// backoff until the next wait would pass 5 s: six calls in about 6 s. A
// dropped connection is the client's NetworkError.
async function faults() {
	const cases = [
		[[], 'TooManyRequestsException', 'TooManyRequestsException', 'Rate exceeded'],
		[['-fault', 'InternalErrorException'], 'InternalErrorException', 'InternalErrorException', 'Internal server error.'],
		[['-fault', 'connection reset'], 'NetworkError', 'Error', 'Network error'],
	];
	await Promise.all(cases.map(async ([flags, code, name, message], i) => {
		const env = await emulate(['-failure-rate', '1', '-client-id', `faulty${i}`, ...flags]);
		const pool = newPool(env);
		const err = await login(pool, 'alice', 'Alice-pw-1234').then(() => null, e => e);
		check(err && err.code === code && err.name === name && err.message === message && callsTo(env, 'InitiateAuth') === 1,
			`-fault ${code}: authenticateUser fails with it at once, not retried`);
		if (i > 0) return;
		const user = new CognitoUser({ Username: 'alice', Pool: pool });
		const refused = await new Promise(resolve =>
			user.refreshSession(new CognitoRefreshToken({ RefreshToken: 'any' }), e => resolve(e)));
		check(refused && refused.code === code && callsTo(env, 'InitiateAuth') === 1 + 6,
			`-fault ${code}: refreshSession tries six times, then fails with it`);
	}));
}

// latency: each call of an SRP login (InitiateAuth, RespondToAuthChallenge)
// waits -latency.
async function latency() {
	const env = await emulate(['-latency', '300ms', '-client-id', 'slow']);
	const began = Date.now();
	await login(newPool(env), 'alice', 'Alice-pw-1234');
	check(Date.now() - began >= 600, '-latency 300ms: an SRP login takes two delayed calls');
}

// clientSecret: the client cannot compute SECRET_HASH, so a pool whose
// app client has a secret refuses its login with Cognito's words.
async function clientSecret() {
	const file = path.join(emu.tmp, 'secret');
	fs.writeFileSync(file, 'interop-client-secret\n');
	const env = await emulate(['-client-secret-file', file, '-client-id', 'withsecret']);
	const err = await login(newPool(env), 'alice', 'Alice-pw-1234').then(() => null, e => e);
	check(err && err.code === 'NotAuthorizedException' &&
		err.message === 'Client withsecret is configured with secret but SECRET_HASH was not received',
		'-client-secret-file: a login without SECRET_HASH refused');
}

run(e => {
	emu = e;
	return main();
});
