// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

// This file holds SetUserMFAPreference, by which a signed-in user turns
// second factors on and off and picks the preferred one. It changes the
// same User fields that configure a user (SMSMFA, SoftwareTokenMFA with
// TOTPSecret, EmailOTP, PreferredMFA), so that GetUser's
// UserMFASettingList and PreferredMfaSetting, and the challenge of the
// next login (the preferred factor, the only one, or SELECT_MFA_TYPE),
// follow it.
//
// Confirmed by Cognito's API reference: an access token authorizes it;
// SMSMfaSettings, SoftwareTokenMfaSettings and EmailMfaSettings are each
// optional, of Enabled and PreferredMfa; only one factor is preferred; the
// preferred one is used when several are on, and with several on and none
// preferred a login is asked to choose; the answer is empty. Turning off a
// factor does not drop a verified TOTP token (AdminSetUserMFAPreference's
// reference: it does not reset an existing TOTP MFA).
//
// From users' reports: turning on SOFTWARE_TOKEN_MFA without a verified
// software token is InvalidParameterException "User does not have delivery
// config set to turn on SOFTWARE_TOKEN_MFA" (aws-sdk-js-v3 issue 4645;
// earlier reports quote "User has not verified software token mfa",
// amplify-js issue 7016), and SMS without a phone number
// InvalidParameterException "User does not have a phone_number set to
// turn on SMS MFA" (amplify-js issue 618; an unverified number is taken,
// amplify-js issue 11259).
//
// Assumptions:
//   - A factor whose settings are left out keeps its state and preference.
//   - EMAIL_OTP without an email attribute is refused like SMS without a
//     phone number, in words of the emulator's own.
//   - More than one factor sent as preferred is refused
//     (InvalidParameterException), rather than one picked.
//   - PreferredMfa on a factor turned off is ignored, and a preferred
//     factor turned off, or sent with PreferredMfa false, is preferred no
//     longer.
//   - Turning TOTP off is taken without a verified token (reports from
//     2018 and 2020 say Cognito refused that then; amplify stopped
//     sending it).
//   - A refused request changes nothing.
//   - A factor turned on ends a user's MFASetup (a pool that requires MFA,
//     a user without a factor), as MFA_SETUP does; turned off again, the
//     emulator, which has no pool-wide MFA setting, asks for no setup.

// mfaSettings is an SMSMfaSettingsType, SoftwareTokenMfaSettingsType or
// EmailMfaSettingsType.
type mfaSettings struct{ Enabled, PreferredMfa bool }

// setUserMFAPreference serves SetUserMFAPreference.
func (s *Server) setUserMFAPreference(c *call) (any, *apiError) {
	var in struct {
		withAccessToken
		SMSMfaSettings           *mfaSettings
		SoftwareTokenMfaSettings *mfaSettings
		EmailMfaSettings         *mfaSettings
	}
	u, aerr := s.decodeForUser(c, &in, nil)
	if aerr != nil {
		return nil, aerr
	}
	factors := []struct {
		name string
		set  *mfaSettings
	}{
		{challengeSMSMFA, in.SMSMfaSettings},
		{challengeSoftwareTokenMFA, in.SoftwareTokenMfaSettings},
		{challengeEmailOTP, in.EmailMfaSettings},
	}
	preferred := 0
	for _, f := range factors {
		if f.set != nil && f.set.Enabled && f.set.PreferredMfa {
			preferred++
		}
	}
	if preferred > 1 {
		return nil, errInvalidParameter("Only one MFA method can be set as preferred.")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// Every check before any change.
	for _, f := range factors {
		if f.set == nil || !f.set.Enabled {
			continue
		}
		switch f.name {
		case challengeSMSMFA:
			if u.Attributes["phone_number"] == "" {
				return nil, errInvalidParameter("User does not have a phone_number set to turn on SMS MFA")
			}
		case challengeEmailOTP:
			if u.Attributes["email"] == "" {
				return nil, errInvalidParameter("User does not have an email set to turn on EMAIL_OTP")
			}
		case challengeSoftwareTokenMFA:
			if !u.SoftwareTokenMFA && u.TOTPSecret == "" && u.offTOTP == nil {
				return nil, errInvalidParameter("User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA")
			}
		}
	}
	for _, f := range factors {
		if f.set == nil {
			continue
		}
		on := f.set.Enabled
		switch f.name {
		case challengeSMSMFA:
			u.SMSMFA = on
		case challengeEmailOTP:
			u.EmailOTP = on
		case challengeSoftwareTokenMFA:
			u.setTOTP(on)
		}
		switch {
		case on && f.set.PreferredMfa:
			u.PreferredMFA = f.name
		case u.PreferredMFA == f.name:
			u.PreferredMFA = ""
		}
	}
	// A user with a factor has MFA set up, as after MFA_SETUP
	// (answerMFASetup): the next login asks for the factor GetUser
	// names, not for a setup.
	if len(mfaList(u.User)) > 0 {
		u.MFASetup = false
	}
	return struct{}{}, nil
}

// setTOTP turns the user's verified software token on or off, keeping its
// secret while it is off. Server.mu must be held.
func (u *user) setTOTP(on bool) {
	wasOn := u.SoftwareTokenMFA || u.TOTPSecret != ""
	switch {
	case on && !wasOn && u.offTOTP != nil:
		u.SoftwareTokenMFA, u.TOTPSecret, u.offTOTP = true, *u.offTOTP, nil
	case !on && wasOn:
		secret := u.TOTPSecret
		u.SoftwareTokenMFA, u.TOTPSecret, u.offTOTP = false, "", &secret
	}
}
