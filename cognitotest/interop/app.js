// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// A web app's test suite against `cognito-srp emulate` instead of AWS:
// the flows a front end built on amazon-cognito-identity-js runs, one
// after the other as a user would, with what the app sees at each step.
// Sign-in with SRP, a wrong password and an unknown user (with and
// without the pool's prevent-user-existence-errors), a page reload
// (getSession from storage), an administrator-created user's new password
// (newPasswordRequired, completeNewPasswordChallenge), getUserAttributes,
// refreshSession, changePassword, TOTP set up by a signed-in user
// (associateSoftwareToken, verifySoftwareToken, setUserMfaPreference) and
// used at the next login (totpRequired, sendMFACode), remembered devices
// (setDeviceStatusRemembered, then DEVICE_SRP_AUTH), getDevice,
// listDevices, forgetDevice and globalSignOut; and what Cognito refuses
// that an app may send: a password under the pool's minimum, the user's
// own e-mail address back with a new password. Not needed by `go test`;
// run it (about 25 s: the client's SRP takes most of a second a login) with
//
//	cd cognitotest/interop && npm ci && node app.js
//
// (`npm test` runs it after login.js and sdk.js).
'use strict';

const { CognitoUser } = require('amazon-cognito-identity-js');
const { run, check, totp, step, failure, newPool, start } = require('./emulator.js');

// requests records each API call the client makes: the action and, for
// RespondToAuthChallenge, the challenge answered. The client calls the
// global fetch (Node's own) at each call, so this wrapper sees them all.
const requests = [];
const realFetch = globalThis.fetch;
globalThis.fetch = (url, options) => {
	const body = JSON.parse(options.body);
	requests.push({ action: options.headers['X-Amz-Target'].replace(/^.*\./, ''), challenge: body.ChallengeName });
	return realFetch(url, options);
};

// since returns what the client sent from mark on, as "Action" or
// "Action:CHALLENGE", comma-separated.
function since(mark) {
	return requests.slice(mark).map(r => (r.challenge ? `${r.action}:${r.challenge}` : r.action)).join();
}

// node wraps a Node-style callback call (err, result) in a promise.
const node = call => new Promise((resolve, reject) => call((err, res) => (err ? reject(err) : resolve(res))));

const usernameOf = session => session.getAccessToken().decodePayload().username;

async function main(emu) {
	const env = await emu.start(['-device-opt-in'], [
		{ Username: 'alice', Password: 'Alice-pw-1234', Attributes: { email: 'alice@example.com', email_verified: 'true', name: 'Alice' } },
		{ Username: 'frank', Password: 'Temp-pw-1234', ForceNewPassword: true, Attributes: { email: 'frank@example.com', email_verified: 'true' } },
		{ Username: 'kim', Password: 'Kim-pw-123456' },
		{ Username: 'dan', Password: 'Dan-pw-123456' },
	]);
	const pool = newPool(env);

	// Sign-in with SRP, and the two errors of the login form.
	let mark = requests.length;
	let { user, first } = start(pool, 'alice', 'Alice-pw-1234');
	let r = await first;
	check(r.kind === 'onSuccess' && r.args[0].isValid() && usernameOf(r.args[0]) === 'alice' &&
		since(mark).startsWith('InitiateAuth,RespondToAuthChallenge:PASSWORD_VERIFIER'),
		'authenticateUser: USER_SRP_AUTH, PASSWORD_VERIFIER, signed in');
	let session = r.args[0];
	let err = await start(pool, 'alice', 'wrong-pw-1234').first.then(() => null, e => e);
	check(err && err.code === 'NotAuthorizedException' && err.name === err.code && err.message === 'Incorrect username or password.',
		'wrong password: NotAuthorizedException "Incorrect username or password."');
	err = await start(pool, 'nobody', 'Nobody-pw-1234').first.then(() => null, e => e);
	check(err && err.code === 'UserNotFoundException' && err.message === 'User does not exist.',
		'unknown user: UserNotFoundException "User does not exist."');

	// The attributes a profile page shows, and the session renewed.
	const attrs = await node(cb => user.getUserAttributes(cb));
	const byName = Object.fromEntries(attrs.map(a => [a.getName(), a.getValue()]));
	check(byName.email === 'alice@example.com' && byName.email_verified === 'true' && byName.name === 'Alice' &&
		byName.sub === session.getIdToken().decodePayload().sub,
		'getUserAttributes: sub, email, email_verified, name');
	const renewed = await node(cb => user.refreshSession(session.getRefreshToken(), cb));
	check(renewed.isValid() && renewed.getAccessToken().getJwtToken() !== session.getAccessToken().getJwtToken() &&
		renewed.getRefreshToken().getToken() === session.getRefreshToken().getToken(),
		'refreshSession: new access token, same refresh token');

	// A page reload: a new pool object finds the user and the session in
	// storage, without calling Cognito.
	mark = requests.length;
	const reloaded = newPool(env).getCurrentUser();
	const stored = await node(cb => reloaded.getSession(cb));
	check(reloaded.getUsername() === 'alice' && stored.isValid() && requests.length === mark,
		'a page reload: getCurrentUser().getSession() from storage, no call');

	// changePassword: a wrong current password, then the right one; the
	// new password signs in and the old one no longer does.
	err = await node(cb => user.changePassword('Not-alice-pw-1', 'Alice-new-pw-1', cb)).then(() => null, e => e);
	check(err && err.code === 'NotAuthorizedException' && err.message === 'Incorrect username or password.',
		'changePassword with a wrong current password: NotAuthorizedException');
	err = await node(cb => user.changePassword('Alice-pw-1234', 'short', cb)).then(() => null, e => e);
	check(err && err.code === 'InvalidPasswordException' && err.message === 'Password does not conform to policy: Password not long enough',
		"changePassword to a password shorter than the pool's minimum: InvalidPasswordException");
	check(await node(cb => user.changePassword('Alice-pw-1234', 'Alice-new-pw-1', cb)) === 'SUCCESS', 'changePassword: SUCCESS');
	err = await start(pool, 'alice', 'Alice-pw-1234').first.then(() => null, e => e);
	check(err && err.code === 'NotAuthorizedException', 'changePassword: the old password is refused');
	({ user, first } = start(pool, 'alice', 'Alice-new-pw-1'));
	check((await first).kind === 'onSuccess', 'changePassword: the new password signs in');

	// An administrator-created user: the app asks for a new password.
	// Cognito refuses the challenge's attributes sent back as given
	// (email_verified may not be set), and, as the library's README has
	// the app send them, less email_verified, for a user who has an
	// e-mail address. The app sends only the attributes required (none).
	({ user, first } = start(pool, 'frank', 'Temp-pw-1234'));
	r = await first;
	check(r.kind === 'newPasswordRequired' && r.args[0].email === 'frank@example.com' && r.args[1].length === 0,
		'FORCE_CHANGE_PASSWORD: newPasswordRequired with the user attributes, none required');
	err = await failure(cb => user.completeNewPasswordChallenge('Frank-new-pw-1', r.args[0], cb));
	check(err && err.code === 'InvalidParameterException' && err.message === 'Cannot modify the non-mutable attribute email_verified',
		'completeNewPasswordChallenge with the attributes as given: InvalidParameterException for email_verified');
	({ user, first } = start(pool, 'frank', 'Temp-pw-1234'));
	r = await first;
	const echoed = { ...r.args[0] };
	delete echoed.email_verified;
	err = await failure(cb => user.completeNewPasswordChallenge('Frank-new-pw-1', echoed, cb));
	check(err && err.code === 'NotAuthorizedException' && err.message === 'Cannot modify an already provided email',
		"completeNewPasswordChallenge with the user's email sent back: NotAuthorizedException");
	({ user, first } = start(pool, 'frank', 'Temp-pw-1234'));
	await first;
	r = await step(cb => user.completeNewPasswordChallenge('Frank-new-pw-1', {}, cb));
	check(r.kind === 'onSuccess' && usernameOf(r.args[0]) === 'frank' &&
		r.args[0].getIdToken().decodePayload().email === 'frank@example.com',
		'completeNewPasswordChallenge with the required attributes only signs in');
	r = await start(pool, 'frank', 'Frank-new-pw-1').first;
	check(r.kind === 'onSuccess', 'the new password signs in without a challenge');

	// TOTP set up by a signed-in user: a secret, a code of it, then the
	// preference that turns the factor on. Cognito asks for the code from
	// the next login on once SetUserMFAPreference enabled it.
	({ user, first } = start(pool, 'kim', 'Kim-pw-123456'));
	check((await first).kind === 'onSuccess', 'kim signs in without a second factor');
	r = await step(cb => user.associateSoftwareToken(cb));
	const secret = r.args[0];
	check(r.kind === 'associateSecretCode' && /^[A-Z2-7]{32}$/.test(secret), 'associateSoftwareToken: a base32 secret');
	err = await failure(cb => user.verifySoftwareToken('000000', 'My phone', cb));
	check(err && err.code === 'EnableSoftwareTokenMFAException', 'verifySoftwareToken: a wrong code refused');
	const verifiedAt = Date.now();
	r = await step(cb => user.verifySoftwareToken(totp(secret, verifiedAt), 'My phone', cb));
	check(r.kind === 'onSuccess' && r.args[0].Status === 'SUCCESS', 'verifySoftwareToken: Status SUCCESS');
	r = await start(pool, 'kim', 'Kim-pw-123456').first;
	check(r.kind === 'onSuccess', 'a verified token not yet enabled: the login asks for no code');
	const kimData = await node(cb => user.getUserData(cb, { bypassCache: true }));
	check(!kimData.UserMFASettingList && !kimData.PreferredMfaSetting,
		'a verified token not yet enabled: getUserData lists no MFA setting');
	check(await node(cb => user.setUserMfaPreference(null, { PreferredMfa: true, Enabled: true }, cb)) === 'SUCCESS',
		'setUserMfaPreference: TOTP enabled and preferred');
	const data = await node(cb => user.getUserData(cb, { bypassCache: true }));
	check(data.PreferredMfaSetting === 'SOFTWARE_TOKEN_MFA' && data.UserMFASettingList.join() === 'SOFTWARE_TOKEN_MFA',
		'getUserData: PreferredMfaSetting and UserMFASettingList name SOFTWARE_TOKEN_MFA');
	({ user, first } = start(pool, 'kim', 'Kim-pw-123456'));
	r = await first;
	check(r.kind === 'totpRequired' && r.args[0] === 'SOFTWARE_TOKEN_MFA', 'the next login: totpRequired');
	check(r.args[1].FRIENDLY_DEVICE_NAME === 'My phone', "totpRequired: FRIENDLY_DEVICE_NAME is verifySoftwareToken's name");
	err = await failure(cb => user.sendMFACode('000000', cb, 'SOFTWARE_TOKEN_MFA'));
	check(err && err.code === 'CodeMismatchException', 'sendMFACode with a wrong code: CodeMismatchException');
	// The next time step's code, which Cognito takes a step early:
	// the code that verified the token is used.
	r = await step(cb => user.sendMFACode(totp(secret, verifiedAt + 30000), cb, 'SOFTWARE_TOKEN_MFA'));
	check(r.kind === 'onSuccess' && usernameOf(r.args[0]) === 'kim', "sendMFACode with the authenticator's code signs in");
	// kim's device, confirmed in sendMFACode, remembered: it stands in
	// for the code from then on.
	check(user.deviceKey && (await step(cb => user.setDeviceStatusRemembered(cb))).kind === 'onSuccess',
		'setDeviceStatusRemembered after the TOTP login');
	({ user, first } = start(pool, 'kim', 'Kim-pw-123456'));
	r = await first;
	check(r.kind === 'onSuccess' && r.args[0].getAccessToken().decodePayload().device_key === user.deviceKey,
		'on the remembered device the login asks for no TOTP code');
	check(await node(cb => user.setUserMfaPreference(null, { PreferredMfa: false, Enabled: false }, cb)) === 'SUCCESS',
		'setUserMfaPreference: TOTP turned off');
	user.clearCachedDeviceKeyAndPassword(); // another browser
	({ user, first } = start(pool, 'kim', 'Kim-pw-123456'));
	check((await first).kind === 'onSuccess', 'TOTP off: a login on another device asks for no code');

	// A device the user chooses to remember. The pool remembers devices
	// when the user opts in: ConfirmDevice after the login answers
	// UserConfirmationNecessary, setDeviceStatusRemembered opts in, and
	// the next login proves the device with DEVICE_SRP_AUTH.
	mark = requests.length;
	({ user, first } = start(pool, 'dan', 'Dan-pw-123456'));
	r = await first;
	const deviceKey = user.deviceKey;
	check(r.kind === 'onSuccess' && r.args[1] === true && deviceKey && since(mark).endsWith('ConfirmDevice'),
		'a new device: ConfirmDevice answers UserConfirmationNecessary');
	r = await step(cb => user.getDevice(cb));
	const attr = (device, name) => (device.DeviceAttributes.find(a => a.Name === name) || {}).Value;
	check(r.args[0].Device.DeviceKey === deviceKey && attr(r.args[0].Device, 'device_status') === 'valid' &&
		attr(r.args[0].Device, 'dev:device_remembered_status') === 'not_remembered',
		'getDevice: the confirmed device, not remembered');
	r = await step(cb => user.listDevices(10, null, cb));
	check(r.args[0].Devices.length === 0, 'listDevices: no remembered device yet');
	r = await step(cb => user.setDeviceStatusRemembered(cb));
	check(r.kind === 'onSuccess', 'setDeviceStatusRemembered');
	r = await step(cb => user.getDevice(cb));
	check(attr(r.args[0].Device, 'dev:device_remembered_status') === 'remembered', 'getDevice: remembered');
	r = await step(cb => user.listDevices(10, null, cb));
	check(r.args[0].Devices.length === 1 && r.args[0].Devices[0].DeviceKey === deviceKey &&
		attr(r.args[0].Devices[0], 'device_name') !== undefined,
		'listDevices: the remembered device, with its name');
	mark = requests.length;
	({ user, first } = start(pool, 'dan', 'Dan-pw-123456'));
	r = await first;
	check(r.kind === 'onSuccess' && r.args[0].getAccessToken().decodePayload().device_key === deviceKey &&
		since(mark) === 'InitiateAuth,RespondToAuthChallenge:PASSWORD_VERIFIER,' +
		'RespondToAuthChallenge:DEVICE_SRP_AUTH,RespondToAuthChallenge:DEVICE_PASSWORD_VERIFIER',
		'the second login proves the remembered device (DEVICE_SRP_AUTH)');
	const deviceSession = r.args[0];
	const renewedOnDevice = await node(cb => user.refreshSession(deviceSession.getRefreshToken(), cb));
	check(renewedOnDevice.getAccessToken().decodePayload().device_key === deviceKey, 'refreshSession on the device');

	// forgetDevice: the device is gone at Cognito and in the client, its
	// refresh token no longer renews, and the next login gets a new device.
	// (What becomes of the access token of the forgotten device is not
	// established: the emulator revokes it with the refresh token, so the
	// checks after forgetDevice use a new login.)
	r = await step(cb => user.forgetDevice(cb));
	check(r.kind === 'onSuccess' && user.deviceKey === null, 'forgetDevice');
	// One REFRESH_TOKEN_AUTH, as refreshSession sends it: refreshSession
	// itself retries a refusal for about 6 s.
	err = await new Promise(resolve => pool.client.request('InitiateAuth', {
		AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: env.COGNITO_CLIENT_ID,
		AuthParameters: { REFRESH_TOKEN: deviceSession.getRefreshToken().getToken(), DEVICE_KEY: deviceKey },
	}, e => resolve(e)));
	check(err && err.code === 'NotAuthorizedException', 'after forgetDevice: its refresh token is refused');
	mark = requests.length;
	({ user, first } = start(pool, 'dan', 'Dan-pw-123456'));
	r = await first;
	check(r.kind === 'onSuccess' && user.deviceKey && user.deviceKey !== deviceKey && !since(mark).includes('DEVICE_SRP_AUTH'),
		'the next login proves no device and confirms a new one');
	const before = r.args[0];
	r = await step(cb => user.listDevices(10, null, cb));
	check(r.args[0].Devices.length === 0, 'listDevices after forgetDevice: none remembered');
	err = await failure(cb => user.forgetSpecificDevice(deviceKey, cb));
	check(err && err.code === 'ResourceNotFoundException', 'forgetting the forgotten device again: ResourceNotFoundException');

	// Two remembered devices, listed a page at a time.
	const second = user.deviceKey;
	check((await step(cb => user.setDeviceStatusRemembered(cb))).kind === 'onSuccess', 'a second device remembered');
	user.clearCachedDeviceKeyAndPassword(); // another browser
	({ user, first } = start(pool, 'dan', 'Dan-pw-123456'));
	await first;
	const third = user.deviceKey;
	check((await step(cb => user.setDeviceStatusRemembered(cb))).kind === 'onSuccess', 'a third device remembered');
	const page1 = (await step(cb => user.listDevices(1, null, cb))).args[0];
	const page2 = (await step(cb => user.listDevices(1, page1.PaginationToken, cb))).args[0];
	check(page1.Devices.length === 1 && page1.PaginationToken && page2.Devices.length === 1 && !page2.PaginationToken &&
		[page1.Devices[0].DeviceKey, page2.Devices[0].DeviceKey].sort().join() === [second, third].sort().join(),
		'listDevices(1): two pages, one device each, a PaginationToken between');

	// globalSignOut: every token of the user is refused afterwards.
	r = await step(cb => user.globalSignOut(cb));
	check(r.kind === 'onSuccess' && pool.getCurrentUser() === null, "globalSignOut clears the client's storage");
	const other = new CognitoUser({ Username: 'dan', Pool: pool });
	other.setSignInUserSession(before);
	err = await node(cb => other.getUserAttributes(cb)).then(() => null, e => e);
	check(err && err.code === 'NotAuthorizedException' && err.message === 'Access Token has been revoked',
		'after globalSignOut: getUserAttributes refused');
	err = await node(cb => other.changePassword('Dan-pw-123456', 'Dan-new-pw-12', cb)).then(() => null, e => e);
	check(err && err.code === 'NotAuthorizedException' && err.message === 'Access Token has been revoked',
		'after globalSignOut: changePassword refused');

	// A pool that hides whether a user exists: an unknown user reads as a
	// wrong password.
	const hidden = newPool(await emu.start(['-prevent-user-existence-errors', '-client-id', 'hidden'], [
		{ Username: 'alice', Password: 'Alice-pw-1234' },
	]));
	mark = requests.length;
	err = await start(hidden, 'nobody', 'Nobody-pw-1234').first.then(() => null, e => e);
	check(err && err.code === 'NotAuthorizedException' && err.message === 'Incorrect username or password.' &&
		since(mark) === 'InitiateAuth,RespondToAuthChallenge:PASSWORD_VERIFIER',
		'-prevent-user-existence-errors: an unknown user reads as a wrong password, after a PASSWORD_VERIFIER');
	console.log('all app checks passed');
}

run(main);
