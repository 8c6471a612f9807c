// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

// Cross-check of the emulator's wire format against the AWS SDK for
// JavaScript v3 (@aws-sdk/client-cognito-identity-provider), a client
// generated from Cognito's API model that reads the JSON 1.1 protocol as
// AWS sends it: each action the emulator serves answers with output that
// deserializes into the SDK's types (numbers as numbers, maps as objects,
// no member sent as "" where Cognito leaves it out), and each error
// becomes the SDK's modeled exception class, with name, message, $fault,
// HTTP status and request id. The SRP math is amazon-cognito-identity-js'
// AuthenticationHelper; the SDK only carries the messages. Run with
// `npm test` (after login.js), or alone: node sdk.js.
'use strict';

const crypto = require('node:crypto');
const sdk = require('@aws-sdk/client-cognito-identity-provider');
const { AuthenticationHelper, DateHelper } = require('amazon-cognito-identity-js');
const BigInteger = require('amazon-cognito-identity-js/lib/BigInteger').default;
const { run, check, totp } = require('./emulator.js');

const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

// client is an SDK client of the pool of env. The calls the emulator
// serves need no AWS credentials, so the SDK sends them unsigned; fake
// ones are given all the same, as an application configures them.
// headers keeps the headers of the last response the client read.
function client(env, maxAttempts = 1) {
	const c = new sdk.CognitoIdentityProviderClient({
		region: env.COGNITO_USER_POOL_ID.split('_')[0],
		endpoint: env.COGNITO_ENDPOINT,
		maxAttempts,
		credentials: { accessKeyId: 'AKIDINTEROP', secretAccessKey: 'interop' },
	});
	c.middlewareStack.add(next => async args => {
		try {
			const out = await next(args);
			c.headers = out.response.headers;
			return out;
		} catch (err) {
			c.headers = err.$response && err.$response.headers;
			throw err;
		}
	}, { step: 'deserialize', name: 'interopHeaders' });
	return c;
}

// send resolves with the command's output, or with the error it failed
// with.
function send(c, command) {
	return c.send(command).catch(err => err);
}

// modeled reports whether err is the SDK's exception class named type, as
// Cognito's error of that __type becomes: a client error (HTTP 400 unless
// status says otherwise) with a message and the response's request id,
// which the x-amzn-ErrorType header names too.
function modeled(c, err, type, status = 400) {
	const cls = sdk[type] || sdk.CognitoIdentityProviderServiceException;
	return err instanceof cls && err.name === type && typeof err.message === 'string' && err.message !== '' &&
		err.$fault === (status >= 500 ? 'server' : 'client') && err.$metadata.httpStatusCode === status &&
		/^[0-9a-f-]{36}$/.test(err.$metadata.requestId) &&
		c.headers['x-amzn-requestid'] === err.$metadata.requestId &&
		c.headers['x-amzn-errortype'].split(':')[0] === type &&
		c.headers['content-type'] === 'application/x-amz-json-1.1';
}

// tokens reports whether r is an AuthenticationResult of a full login
// (withRefresh) or of a renewal, typed as the SDK's model types it.
function tokens(r, withRefresh) {
	return r !== undefined && typeof r.AccessToken === 'string' && typeof r.IdToken === 'string' &&
		Number.isInteger(r.ExpiresIn) && r.ExpiresIn > 0 && r.TokenType === 'Bearer' &&
		(withRefresh ? typeof r.RefreshToken === 'string' : r.RefreshToken === undefined);
}

// answerVerifier answers PASSWORD_VERIFIER (DEVICE_PASSWORD_VERIFIER, with
// a device) with the official client's SRP helper, and resolves with the
// output of the answer, or its error. start is the output that asked.
async function answerVerifier(c, env, helper, start, password, device) {
	const p = start.ChallengeParameters;
	const pool = device ? device.DeviceGroupKey : env.COGNITO_USER_POOL_ID.split('_')[1];
	const user = device ? device.DeviceKey : p.USER_ID_FOR_SRP;
	const key = await new Promise((resolve, reject) => helper.getPasswordAuthenticationKey(user, password,
		new BigInteger(p.SRP_B, 16), new BigInteger(p.SALT, 16), (err, k) => (err ? reject(err) : resolve(k))));
	const timestamp = new DateHelper().getNowString();
	const signature = crypto.createHmac('sha256', Buffer.from(key)).update(Buffer.concat([
		Buffer.from(pool), Buffer.from(user), Buffer.from(p.SECRET_BLOCK, 'base64'), Buffer.from(timestamp),
	])).digest('base64');
	const responses = {
		USERNAME: p.USERNAME, PASSWORD_CLAIM_SECRET_BLOCK: p.SECRET_BLOCK,
		PASSWORD_CLAIM_SIGNATURE: signature, TIMESTAMP: timestamp,
	};
	if (device) responses.DEVICE_KEY = device.DeviceKey;
	return send(c, new sdk.RespondToAuthChallengeCommand({
		ChallengeName: device ? 'DEVICE_PASSWORD_VERIFIER' : 'PASSWORD_VERIFIER',
		ClientId: env.COGNITO_CLIENT_ID, Session: start.Session, ChallengeResponses: responses,
	}));
}

// srpLogin starts USER_SRP_AUTH, with extra among InitiateAuth's
// parameters (DEVICE_KEY), and answers PASSWORD_VERIFIER.
async function srpLogin(c, env, username, password, extra = {}) {
	const helper = new AuthenticationHelper(env.COGNITO_USER_POOL_ID.split('_')[1]);
	const A = await new Promise((resolve, reject) => helper.getLargeAValue((err, a) => (err ? reject(err) : resolve(a))));
	const start = await c.send(new sdk.InitiateAuthCommand({
		AuthFlow: 'USER_SRP_AUTH', ClientId: env.COGNITO_CLIENT_ID,
		AuthParameters: { USERNAME: username, SRP_A: A.toString(16), ...extra },
	}));
	return { start, out: await answerVerifier(c, env, helper, start, password) };
}

const userAttrs = a => Array.isArray(a) && a.every(x => typeof x.Name === 'string' && typeof x.Value === 'string');

// plainPool: login, renewal, GetUser, TOTP setup, second factors, errors
// and sign-out, on a pool without device tracking.
async function plainPool(emu) {
	const env = await emu.start(['-user-password-auth'], [
		{ Username: 'alice', Password: 'Alice-pw-1234', Attributes: { email: 'alice@example.com' } },
		{ Username: 'grace', Password: 'Grace-pw-1234', Aliases: ['+15555550124'], SMSMFA: true, TOTPSecret: secret },
		{ Username: 'ivan', Password: 'Ivan-pw-12345', Aliases: ['+15555550125'], SMSMFA: true },
	]);
	const c = client(env);

	const { start, out } = await srpLogin(c, env, 'alice', 'Alice-pw-1234');
	const p = start.ChallengeParameters;
	check(start.ChallengeName === 'PASSWORD_VERIFIER' && typeof start.Session === 'string' &&
		['SRP_B', 'SALT', 'SECRET_BLOCK', 'USERNAME', 'USER_ID_FOR_SRP'].every(k => typeof p[k] === 'string') &&
		start.AuthenticationResult === undefined && start.$metadata.httpStatusCode === 200,
	'InitiateAuth USER_SRP_AUTH: PASSWORD_VERIFIER, its parameters a map of strings');
	check(tokens(out.AuthenticationResult, true) && out.ChallengeName === undefined && out.Session === undefined &&
		Object.keys(out.ChallengeParameters).length === 0 &&
		c.headers['x-amzn-requestid'] === out.$metadata.requestId && c.headers['content-type'] === 'application/x-amz-json-1.1',
	'RespondToAuthChallenge PASSWORD_VERIFIER: AuthenticationResult typed (ExpiresIn a number), ChallengeParameters {}');
	const auth = out.AuthenticationResult;

	const renewed = await c.send(new sdk.InitiateAuthCommand({
		AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: env.COGNITO_CLIENT_ID, AuthParameters: { REFRESH_TOKEN: auth.RefreshToken },
	}));
	check(tokens(renewed.AuthenticationResult, false), 'REFRESH_TOKEN_AUTH: new tokens, no RefreshToken');
	const fresh = await c.send(new sdk.GetTokensFromRefreshTokenCommand({ ClientId: env.COGNITO_CLIENT_ID, RefreshToken: auth.RefreshToken }));
	check(tokens(fresh.AuthenticationResult, false), 'GetTokensFromRefreshToken without rotation: new tokens, no RefreshToken');

	const user = await c.send(new sdk.GetUserCommand({ AccessToken: auth.AccessToken }));
	check(user.Username === 'alice' && userAttrs(user.UserAttributes) &&
		user.UserAttributes.some(a => a.Name === 'email' && a.Value === 'alice@example.com') &&
		user.PreferredMfaSetting === undefined && user.UserMFASettingList === undefined && user.MFAOptions === undefined,
	'GetUser: Username, UserAttributes as {Name, Value}, no MFA members without MFA');

	const assoc = await c.send(new sdk.AssociateSoftwareTokenCommand({ AccessToken: auth.AccessToken }));
	check(/^[A-Z2-7]{32}$/.test(assoc.SecretCode) && assoc.Session === undefined, 'AssociateSoftwareToken with an access token: SecretCode, no Session');
	let err = await send(c, new sdk.VerifySoftwareTokenCommand({ AccessToken: auth.AccessToken, UserCode: totp(assoc.SecretCode, Date.now() - 300000) }));
	check(modeled(c, err, 'EnableSoftwareTokenMFAException'), 'VerifySoftwareToken with a wrong code: EnableSoftwareTokenMFAException');
	const verified = await c.send(new sdk.VerifySoftwareTokenCommand({ AccessToken: auth.AccessToken, UserCode: totp(assoc.SecretCode) }));
	check(verified.Status === 'SUCCESS' && verified.Session === undefined, 'VerifySoftwareToken: Status SUCCESS');

	// SetUserMFAPreference, as GetUser and the next login then see it.
	err = await send(c, new sdk.SetUserMFAPreferenceCommand({ AccessToken: auth.AccessToken, SMSMfaSettings: { Enabled: true } }));
	check(modeled(c, err, 'InvalidParameterException'), 'SetUserMFAPreference SMS for a user without a phone number: InvalidParameterException');
	const pref = await c.send(new sdk.SetUserMFAPreferenceCommand({
		AccessToken: auth.AccessToken,
		EmailMfaSettings: { Enabled: true, PreferredMfa: true }, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: false },
	}));
	let aUser = await c.send(new sdk.GetUserCommand({ AccessToken: auth.AccessToken }));
	check(pref.$metadata.httpStatusCode === 200 && aUser.UserMFASettingList.join() === 'SOFTWARE_TOKEN_MFA,EMAIL_OTP' &&
		aUser.PreferredMfaSetting === 'EMAIL_OTP', 'SetUserMFAPreference: GetUser lists the factors turned on and the preferred one');
	let a = await srpLogin(c, env, 'alice', 'Alice-pw-1234');
	check(a.out.ChallengeName === 'EMAIL_OTP', 'after SetUserMFAPreference the login asks for the preferred factor');
	await c.send(new sdk.SetUserMFAPreferenceCommand({
		AccessToken: auth.AccessToken, EmailMfaSettings: { Enabled: false }, SoftwareTokenMfaSettings: { Enabled: false },
	}));
	aUser = await c.send(new sdk.GetUserCommand({ AccessToken: auth.AccessToken }));
	check(aUser.UserMFASettingList === undefined && aUser.PreferredMfaSetting === undefined, 'SetUserMFAPreference turns the factors off');

	// ChangePassword: the new password signs in with SRP, the old one
	// no more.
	err = await send(c, new sdk.ChangePasswordCommand({ AccessToken: auth.AccessToken, PreviousPassword: 'Wrong-pw-1234', ProposedPassword: 'Alice-pw-5678' }));
	check(modeled(c, err, 'NotAuthorizedException'), 'ChangePassword with a wrong previous password: NotAuthorizedException');
	const changed = await c.send(new sdk.ChangePasswordCommand({ AccessToken: auth.AccessToken, PreviousPassword: 'Alice-pw-1234', ProposedPassword: 'Alice-pw-5678' }));
	a = await srpLogin(c, env, 'alice', 'Alice-pw-5678');
	check(changed.$metadata.httpStatusCode === 200 && tokens(a.out.AuthenticationResult, true), 'ChangePassword, then SRP with the new password');
	a = await srpLogin(c, env, 'alice', 'Alice-pw-1234');
	check(modeled(c, a.out, 'NotAuthorizedException'), 'SRP with the old password: NotAuthorizedException');

	// Two factors and no preference: SELECT_MFA_TYPE, then the factor.
	const g = await c.send(new sdk.InitiateAuthCommand({
		AuthFlow: 'USER_PASSWORD_AUTH', ClientId: env.COGNITO_CLIENT_ID, AuthParameters: { USERNAME: 'grace', PASSWORD: 'Grace-pw-1234' },
	}));
	check(g.ChallengeName === 'SELECT_MFA_TYPE' && JSON.parse(g.ChallengeParameters.MFAS_CAN_CHOOSE).length === 2,
		'USER_PASSWORD_AUTH with two factors: SELECT_MFA_TYPE, MFAS_CAN_CHOOSE a JSON string');
	const chosen = await c.send(new sdk.RespondToAuthChallengeCommand({
		ChallengeName: 'SELECT_MFA_TYPE', ClientId: env.COGNITO_CLIENT_ID, Session: g.Session,
		ChallengeResponses: { USERNAME: 'grace', ANSWER: 'SOFTWARE_TOKEN_MFA' },
	}));
	const gDone = await c.send(new sdk.RespondToAuthChallengeCommand({
		ChallengeName: 'SOFTWARE_TOKEN_MFA', ClientId: env.COGNITO_CLIENT_ID, Session: chosen.Session,
		ChallengeResponses: { USERNAME: 'grace', SOFTWARE_TOKEN_MFA_CODE: totp(secret) },
	}));
	check(chosen.ChallengeName === 'SOFTWARE_TOKEN_MFA' && tokens(gDone.AuthenticationResult, true), 'SOFTWARE_TOKEN_MFA chosen and answered');
	const gUser = await c.send(new sdk.GetUserCommand({ AccessToken: gDone.AuthenticationResult.AccessToken }));
	check(gUser.UserMFASettingList.join() === 'SMS_MFA,SOFTWARE_TOKEN_MFA' && gUser.PreferredMfaSetting === undefined,
		'GetUser with two factors and no preference: UserMFASettingList, PreferredMfaSetting left out');

	const i = await c.send(new sdk.InitiateAuthCommand({
		AuthFlow: 'USER_PASSWORD_AUTH', ClientId: env.COGNITO_CLIENT_ID, AuthParameters: { USERNAME: 'ivan', PASSWORD: 'Ivan-pw-12345' },
	}));
	err = await send(c, new sdk.RespondToAuthChallengeCommand({
		ChallengeName: 'SMS_MFA', ClientId: env.COGNITO_CLIENT_ID, Session: i.Session,
		ChallengeResponses: { USERNAME: 'ivan', SMS_MFA_CODE: '000000' },
	}));
	check(i.ChallengeName === 'SMS_MFA' && modeled(c, err, 'CodeMismatchException'), 'SMS_MFA with a wrong code: CodeMismatchException');
	const iUser = await c.send(new sdk.GetUserCommand({ AccessToken: (await c.send(new sdk.RespondToAuthChallengeCommand({
		ChallengeName: 'SMS_MFA', ClientId: env.COGNITO_CLIENT_ID, Session: i.Session,
		ChallengeResponses: { USERNAME: 'ivan', SMS_MFA_CODE: '123456' },
	}))).AuthenticationResult.AccessToken }));
	check(iUser.PreferredMfaSetting === 'SMS_MFA' && iUser.UserMFASettingList.join() === 'SMS_MFA',
		'GetUser with one factor: PreferredMfaSetting names it');

	// Refusals, each the SDK's class for Cognito's __type.
	for (const [what, command, type] of [
		['a wrong password', null, 'NotAuthorizedException'],
		['an unknown user', new sdk.InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: env.COGNITO_CLIENT_ID, AuthParameters: { USERNAME: 'nobody', SRP_A: '02' } }), 'UserNotFoundException'],
		['an unknown app client', new sdk.InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: 'nosuchclient', AuthParameters: { USERNAME: 'alice', SRP_A: '02' } }), 'ResourceNotFoundException'],
		['a missing AuthFlow', new sdk.InitiateAuthCommand({ ClientId: env.COGNITO_CLIENT_ID, AuthParameters: { USERNAME: 'alice' } }), 'InvalidParameterException'],
		['a spent Session', new sdk.RespondToAuthChallengeCommand({ ChallengeName: 'SMS_MFA', ClientId: env.COGNITO_CLIENT_ID, Session: i.Session, ChallengeResponses: { USERNAME: 'ivan', SMS_MFA_CODE: '123456' } }), 'NotAuthorizedException'],
		['a malformed access token', new sdk.GetUserCommand({ AccessToken: 'garbage' }), 'NotAuthorizedException'],
		['an action the emulator does not serve', new sdk.ListUsersCommand({ UserPoolId: env.COGNITO_USER_POOL_ID }), 'UnknownOperationException'],
	]) {
		err = command ? await send(c, command) : await srpLogin(c, env, 'alice', 'wrong').then(r => r.out);
		check(modeled(c, err, type), `${what}: ${type}`);
	}

	// The protocol layer's SerializationException says "Message", which
	// the SDK reads as the message too.
	let body;
	c.middlewareStack.add(next => args => {
		args.request.body = body;
		args.request.headers['content-length'] = String(Buffer.byteLength(body));
		return next(args);
	}, { step: 'finalizeRequest', name: 'interopBody' });
	body = '{"AuthFlow": 5}';
	err = await send(c, new sdk.InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: env.COGNITO_CLIENT_ID }));
	c.middlewareStack.remove('interopBody');
	check(modeled(c, err, 'SerializationException'), 'a malformed body: SerializationException with its "Message"');

	const revoked = await c.send(new sdk.RevokeTokenCommand({ ClientId: env.COGNITO_CLIENT_ID, Token: auth.RefreshToken }));
	err = await send(c, new sdk.GetUserCommand({ AccessToken: auth.AccessToken }));
	check(revoked.$metadata.httpStatusCode === 200 && modeled(c, err, 'NotAuthorizedException') && err.message === 'Access Token has been revoked',
		'RevokeToken, then GetUser with its access token: NotAuthorizedException');
	const signedOut = await c.send(new sdk.GlobalSignOutCommand({ AccessToken: gDone.AuthenticationResult.AccessToken }));
	err = await send(c, new sdk.InitiateAuthCommand({
		AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: env.COGNITO_CLIENT_ID, AuthParameters: { REFRESH_TOKEN: gDone.AuthenticationResult.RefreshToken },
	}));
	check(signedOut.$metadata.httpStatusCode === 200 && modeled(c, err, 'NotAuthorizedException'),
		'GlobalSignOut, then REFRESH_TOKEN_AUTH: NotAuthorizedException');
}

// devicePool: device confirmation, device SRP and refresh-token rotation
// on a pool that remembers devices when the user opts in.
async function devicePool(emu) {
	const env = await emu.start(['-device-opt-in', '-rotation'], [{ Username: 'alice', Password: 'Alice-pw-1234' }]);
	const c = client(env);
	const { out } = await srpLogin(c, env, 'alice', 'Alice-pw-1234');
	const device = out.AuthenticationResult.NewDeviceMetadata;
	check(tokens(out.AuthenticationResult, true) && typeof device.DeviceKey === 'string' && typeof device.DeviceGroupKey === 'string',
		'a login on a pool that tracks devices: NewDeviceMetadata');
	const access = out.AuthenticationResult.AccessToken;
	const helper = new AuthenticationHelper(device.DeviceGroupKey);
	await new Promise((resolve, reject) => helper.generateHashDevice(device.DeviceGroupKey, device.DeviceKey, e => (e ? reject(e) : resolve())));
	const confirmed = await c.send(new sdk.ConfirmDeviceCommand({
		AccessToken: access, DeviceKey: device.DeviceKey, DeviceName: 'interop',
		DeviceSecretVerifierConfig: {
			Salt: Buffer.from(helper.getSaltDevices(), 'hex').toString('base64'),
			PasswordVerifier: Buffer.from(helper.getVerifierDevices(), 'hex').toString('base64'),
		},
	}));
	check(confirmed.UserConfirmationNecessary === true, 'ConfirmDevice: UserConfirmationNecessary a boolean, true');
	let err = await send(c, new sdk.UpdateDeviceStatusCommand({ AccessToken: access, DeviceKey: device.DeviceKey, DeviceRememberedStatus: 'forever' }));
	check(modeled(c, err, 'InvalidParameterException'), 'UpdateDeviceStatus with a status out of the enum: InvalidParameterException');
	const updated = await c.send(new sdk.UpdateDeviceStatusCommand({ AccessToken: access, DeviceKey: device.DeviceKey, DeviceRememberedStatus: 'remembered' }));
	check(updated.$metadata.httpStatusCode === 200, 'UpdateDeviceStatus remembered');

	// A second device, confirmed and not remembered: not listed, as
	// ListDevices lists remembered devices only, until the user remembers
	// it. Then both listed a page at a time, and one got.
	const second = (await srpLogin(c, env, 'alice', 'Alice-pw-1234')).out.AuthenticationResult.NewDeviceMetadata;
	const h2 = new AuthenticationHelper(second.DeviceGroupKey);
	await new Promise((resolve, reject) => h2.generateHashDevice(second.DeviceGroupKey, second.DeviceKey, e => (e ? reject(e) : resolve())));
	await c.send(new sdk.ConfirmDeviceCommand({
		AccessToken: access, DeviceKey: second.DeviceKey,
		DeviceSecretVerifierConfig: {
			Salt: Buffer.from(h2.getSaltDevices(), 'hex').toString('base64'),
			PasswordVerifier: Buffer.from(h2.getVerifierDevices(), 'hex').toString('base64'),
		},
	}));
	const isDevice = d => typeof d.DeviceKey === 'string' && userAttrs(d.DeviceAttributes) &&
		[d.DeviceCreateDate, d.DeviceLastModifiedDate, d.DeviceLastAuthenticatedDate].every(t => t instanceof Date && Math.abs(t - Date.now()) < 60000);
	const attr = (d, name) => (d.DeviceAttributes.find(x => x.Name === name) || {}).Value;
	const only = await c.send(new sdk.ListDevicesCommand({ AccessToken: access }));
	const gotSecond = await c.send(new sdk.GetDeviceCommand({ AccessToken: access, DeviceKey: second.DeviceKey }));
	check(only.Devices.length === 1 && only.Devices[0].DeviceKey === device.DeviceKey && only.PaginationToken === undefined &&
		attr(gotSecond.Device, 'dev:device_remembered_status') === 'not_remembered',
	'ListDevices leaves out a device not remembered, which GetDevice finds');
	await c.send(new sdk.UpdateDeviceStatusCommand({ AccessToken: access, DeviceKey: second.DeviceKey, DeviceRememberedStatus: 'remembered' }));
	const page1 = await c.send(new sdk.ListDevicesCommand({ AccessToken: access, Limit: 1 }));
	const page2 = await c.send(new sdk.ListDevicesCommand({ AccessToken: access, Limit: 1, PaginationToken: page1.PaginationToken }));
	const listed = [...page1.Devices, ...page2.Devices];
	check(page1.Devices.length === 1 && typeof page1.PaginationToken === 'string' && page2.Devices.length === 1 && page2.PaginationToken === undefined &&
		listed.every(isDevice) && listed.map(d => d.DeviceKey).sort().join() === [device.DeviceKey, second.DeviceKey].sort().join(),
	'ListDevices with Limit 1: two pages, a PaginationToken between them, dates as Dates');
	const got = await c.send(new sdk.GetDeviceCommand({ AccessToken: access, DeviceKey: device.DeviceKey }));
	check(isDevice(got.Device) && got.Device.DeviceKey === device.DeviceKey && attr(got.Device, 'device_name') === 'interop' &&
		attr(got.Device, 'dev:device_remembered_status') === 'remembered' && attr(got.Device, 'device_status') === 'valid' &&
		attr(got.Device, 'last_ip_used') === '127.0.0.1' &&
		listed.every(d => attr(d, 'dev:device_remembered_status') === 'remembered'),
	'GetDevice: the device, its attributes as Cognito names them');
	err = await send(c, new sdk.GetDeviceCommand({ AccessToken: access, DeviceKey: 'us-east-1_00000000-0000-0000-0000-000000000000' }));
	check(modeled(c, err, 'ResourceNotFoundException'), 'GetDevice of an unknown key: ResourceNotFoundException');
	err = await send(c, new sdk.ListDevicesCommand({ AccessToken: access, Limit: 61 }));
	check(modeled(c, err, 'InvalidParameterException'), 'ListDevices with Limit 61: InvalidParameterException');

	const { start, out: step } = await srpLogin(c, env, 'alice', 'Alice-pw-1234', { DEVICE_KEY: device.DeviceKey });
	check(step.ChallengeName === 'DEVICE_SRP_AUTH' && step.ChallengeParameters.USERNAME === start.ChallengeParameters.USER_ID_FOR_SRP,
		'a login with the remembered device: DEVICE_SRP_AUTH');
	const dHelper = new AuthenticationHelper(device.DeviceGroupKey);
	const A = await new Promise((resolve, reject) => dHelper.getLargeAValue((e, a) => (e ? reject(e) : resolve(a))));
	const verifier = await c.send(new sdk.RespondToAuthChallengeCommand({
		ChallengeName: 'DEVICE_SRP_AUTH', ClientId: env.COGNITO_CLIENT_ID, Session: step.Session,
		ChallengeResponses: { USERNAME: 'alice', DEVICE_KEY: device.DeviceKey, SRP_A: A.toString(16) },
	}));
	const done = await answerVerifier(c, env, dHelper, verifier, helper.getRandomPassword(), device);
	check(verifier.ChallengeName === 'DEVICE_PASSWORD_VERIFIER' && tokens(done.AuthenticationResult, true) &&
		done.AuthenticationResult.NewDeviceMetadata === undefined, 'device SRP signs in, without a new device');

	const rt = done.AuthenticationResult.RefreshToken;
	const rotated = await c.send(new sdk.GetTokensFromRefreshTokenCommand({ ClientId: env.COGNITO_CLIENT_ID, RefreshToken: rt, DeviceKey: device.DeviceKey }));
	check(tokens(rotated.AuthenticationResult, true) && rotated.AuthenticationResult.RefreshToken !== rt,
		'GetTokensFromRefreshToken with rotation: a new RefreshToken');
	err = await send(c, new sdk.GetTokensFromRefreshTokenCommand({ ClientId: env.COGNITO_CLIENT_ID, RefreshToken: rt, DeviceKey: device.DeviceKey }));
	check(modeled(c, err, 'RefreshTokenReuseException'), 'the rotated-out refresh token again: RefreshTokenReuseException');
	err = await send(c, new sdk.InitiateAuthCommand({
		AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: env.COGNITO_CLIENT_ID,
		AuthParameters: { REFRESH_TOKEN: rotated.AuthenticationResult.RefreshToken, DEVICE_KEY: device.DeviceKey },
	}));
	check(modeled(c, err, 'InvalidParameterException'), 'REFRESH_TOKEN_AUTH on a rotating client: InvalidParameterException');

	const forgotten = await c.send(new sdk.ForgetDeviceCommand({ AccessToken: done.AuthenticationResult.AccessToken, DeviceKey: device.DeviceKey }));
	err = await srpLogin(c, env, 'alice', 'Alice-pw-1234', { DEVICE_KEY: device.DeviceKey }).then(r => r.out);
	check(forgotten.$metadata.httpStatusCode === 200 && modeled(c, err, 'ResourceNotFoundException'),
		'ForgetDevice, then a login naming it: ResourceNotFoundException');
}

// faultPools: injected failures as the SDK's retry policy sees them: the
// 500 InternalErrorException and the throttling TooManyRequestsException
// are retried, other errors are not; of the errors common to all AWS
// APIs, ServiceUnavailable (503) and ThrottlingException (400) are
// retried too, as the library retries them.
async function faultPools(emu) {
	for (const [fault, status, attempts] of [
		['InternalErrorException', 500, 2],
		['TooManyRequestsException', 400, 2],
		['LimitExceededException', 400, 2],
		['UnexpectedLambdaException', 400, 1],
		['ServiceUnavailable', 503, 2],
		['ThrottlingException', 400, 2],
	]) {
		const env = await emu.start(['-failure-rate', '1', '-fault', fault, '-client-id', `fault${fault.length}`], [{ Username: 'alice', Password: 'Alice-pw-1234' }]);
		const c = client(env, 2);
		const err = await send(c, new sdk.InitiateAuthCommand({ AuthFlow: 'USER_SRP_AUTH', ClientId: env.COGNITO_CLIENT_ID, AuthParameters: { USERNAME: 'alice', SRP_A: '02' } }));
		check(modeled(c, err, fault, status) && err.$metadata.attempts === attempts,
			`-fault ${fault}: the SDK's ${fault}, ${attempts === 1 ? 'not retried' : 'retried'}`);
	}
}

run(async emu => {
	await Promise.all([plainPool(emu), devicePool(emu), faultPools(emu)]);
	console.log('all SDK interop checks passed');
});
