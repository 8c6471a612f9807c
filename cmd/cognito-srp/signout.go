// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/gocognito/cognitosrp"
)

// signOutHelp follows sign-out's flags in its -h.
const signOutHelp = `
Revokes the cached refresh token at Cognito, forgets the cached device there,
and removes the token file and the device file; it needs no password.
Exit status 0: signed out, or nothing was cached, or the refresh token had
ended already (standard error says which; -everywhere then signs nobody out).
Exit status 1: failed; when standard error says the cache files were removed,
Cognito could not be told all of it (unreachable, say), and what it names
stays usable (the refresh token until it expires, the device): running
sign-out again does not help, the files are gone. Also 1, not 0, with no
cache directory (HOME unset, say): token may have cached the tokens in
another environment's.
An app client without token revocation refuses to revoke. A renewal then
checks whether the refresh token has ended (forgetting the device ends it,
as does a sign-out elsewhere): if so, the files go; if not (no device, or a
token that outlived it), the token file is kept: -everywhere then ends the
refresh token, with every other one of the user's, and leaves the device,
if any, in the user's list. When forgetting the device fails for a reason
that may pass (throttling, the network), the files are kept, and sign-out
run again later forgets it.
`

// signOutCommand signs the token cache of a pool, client and user out, at
// Cognito and on this machine.
func signOutCommand(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "sign-out", "")
	usage := fs.Usage
	fs.Usage = func() {
		usage()
		fmt.Fprint(e.stderr, signOutHelp)
	}
	var conn connFlags
	// The flags that name the token file, as token's do; none of a login's.
	conn.registerTarget(fs)
	fs.DurationVar(&conn.timeout, "timeout", 30*time.Second, "how long to wait for Cognito")
	everywhere := fs.Bool("everywhere", false, "sign the user out of every device and program too (GlobalSignOut), as an app client without token revocation needs")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument (not shown); sign-out takes no password")
	}
	c, err := conn.resolve(ctx, e, "sign-out")
	if err != nil {
		return err
	}
	// A dead refresh token is what a sign-out is for: it never logs in
	// again, whatever COGNITO_PASSWORD holds.
	c.password = ""
	if _, err := cognitosrp.NewSession(c.sessionConfig(), c.username); err != nil {
		return &usageError{msg: err.Error()} // a setting the library refuses, as token says
	}
	store, err := cacheStore(c)
	var unsafeDir *cacheDirError
	if errors.As(err, &unsafeDir) {
		return err // it says what to do; the environment is token's
	}
	if err != nil {
		// Status 1, not "nothing is cached" with 0: a script takes 0 for
		// a machine that holds no credentials, and the token file may be
		// where another environment's token kept it (a cleanup step, a
		// sudo or a service unit, that lost HOME). Not token's advice
		// either: a cache directory set up now would hold nothing.
		return fmt.Errorf("%w (sign-out looks for the token file where token kept it: run it with token's environment; token -no-cache kept none)", err)
	}
	tok, err := store.Load(ctx)
	if err != nil && !errors.Is(err, cognitosrp.ErrStoreFormat) {
		// A file others can read (its error says how to fix it) stays,
		// with its refresh token, which is the one to revoke: someone may
		// have copied it. A file the command cannot read (damaged,
		// another version's) holds nothing to sign out, and goes.
		return err
	}
	dev, err := cognitosrp.NewFileDeviceStore(deviceFilePath(store)).LoadDevice(ctx, cognitosrp.DeviceOwner{UserPoolID: c.poolID, Username: c.username})
	if err != nil && !errors.Is(err, cognitosrp.ErrStoreFormat) {
		return err
	}
	if tok == nil && dev == nil {
		if err := removeCache(ctx, store); err != nil { // files it could not read, if any
			return err
		}
		msg := "nothing is cached for " + c.username
		if *everywhere {
			msg += ": not signed out everywhere, which needs the cached tokens"
		}
		fmt.Fprintf(e.stderr, "cognito-srp sign-out: %s\n", msg)
		return nil
	}
	remote, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	r := signOutRemote(remote, e, c, tok, dev, *everywhere)
	if ctx.Err() != nil {
		// Interrupted: the user stopped the sign-out, so the files stay
		// (holding the successor of a refresh token a renewal rotated),
		// and running it again completes it.
		return ctx.Err()
	}
	if r.unrevocable != nil {
		// The app client does not allow revocation: only GlobalSignOut
		// ends the refresh token, which needs the files kept, also when
		// -everywhere was given and failed, or ForgetDevice (the cause,
		// then; or the renewal either needed).
		msg := "this app client does not allow token revocation (" + describe(r.unrevocable) + ")"
		advice := "sign-out -everywhere ends the refresh token, signing the user out of every device and program"
		if r.cause != r.unrevocable {
			what := "forgetting the device"
			if *everywhere {
				what = "signing out everywhere"
			}
			cause := describeCall(r.cause)
			if !*everywhere && !r.forgot && tryLater(r.cause) {
				// Throttled, failing, unreachable: the same sign-out
				// later forgets the device, which ends the refresh
				// token issued to it, or finds it outlived the device
				// and says so; -everywhere would sign the user out of
				// everything for a failure that passes.
				cause = strings.Replace(cause, tryAgainLater, "", 1)
				advice = "run sign-out again later: forgetting the device ends the refresh token issued to it, without signing the user out everywhere"
			}
			msg += ", and " + what + " failed (" + cause + ")"
		}
		kept := "the cache files are kept"
		if r.forgot {
			// Cognito forgot the device: its file holds nothing of use,
			// and kept, it would make the -everywhere to come say that
			// the device stays in the user's list.
			if err := removeDeviceFile(store); err != nil {
				return err
			}
			msg, kept = "device forgotten, but "+msg, "the token file is kept"
		}
		return errors.New(msg + ": " + kept + "; " + advice)
	}
	// Removed even when Cognito could not be told: a user who signs out
	// expects this machine to hold no credentials afterwards.
	if err := removeCache(ctx, store); err != nil {
		// After what reached Cognito: the removal's error alone read as
		// if nothing was signed out, and a run again, the token file
		// gone, would not say it either.
		told := strings.Join(r.done, "; ")
		if r.cause != nil {
			told = r.failure("")
		}
		return errors.New(told + ", but the cache files could not all be removed: " + errorText(err))
	}
	if r.cause != nil {
		// Not status 4: the tokens are gone, so a retry finds nothing,
		// and the message must not say to try again.
		return errors.New(r.failure("removed the cache files, but "))
	}
	fmt.Fprintf(e.stderr, "cognito-srp sign-out: signed out %s: %s; cache files removed\n", c.username, strings.Join(r.done, "; "))
	return nil
}

// signOutResult is what signOutRemote did.
type signOutResult struct {
	done, kept  []string // in words for the user: what was done, what stays usable at Cognito
	cause       error    // the first reason why Cognito could not be told, if any
	unrevocable error    // RevokeToken's UnsupportedOperationException, if nothing else ended the token it refused
	forgot      bool     // the device was forgotten at Cognito
}

// failure says what reached Cognito and what failed there, with removed
// (what became of the files) before the failure. What did reach Cognito
// comes first: "could not be told" alone would say the refresh token
// lives when it was revoked and only ForgetDevice failed.
func (r *signOutResult) failure(removed string) string {
	what := removed + "Cognito could not be told"
	if len(r.done) > 0 {
		what = strings.Join(r.done, "; ") + "; " + removed + "the rest failed"
	}
	return what + " (" + strings.Replace(describeCall(r.cause), tryAgainLater, "", 1) + "): " + strings.Join(r.kept, ", and ")
}

// describeCall is describe, naming the call Cognito refused when describe
// does not: a sign-out makes several (a renewal, ForgetDevice,
// GlobalSignOut, RevokeToken), and "Cognito is throttling or failing"
// alone does not say which one the failure left undone.
func describeCall(err error) string {
	d := describe(err)
	var ae *cognitosrp.APIError
	if errors.As(err, &ae) && ae.Action != "" && !strings.Contains(d, ae.Action) {
		d = serverName(ae.Action) + ": " + d
	}
	return d
}

// failed records err as the cause, unless an earlier failure is.
func (r *signOutResult) failed(err error) { r.cause = cmp.Or(r.cause, err) }

// signOutRemote tells Cognito: it forgets dev, if any, and revokes tok's
// refresh token, or, everywhere, every refresh token of the user.
//
// RevokeToken, not GlobalSignOut. Both invalidate the cached refresh token
// and the access tokens issued with it, but GlobalSignOut invalidates every
// refresh token of the user, on every device and in every other program,
// which is not what signing this command out asks for (gcloud auth revoke
// and aws sso logout end only their own credentials too). RevokeToken
// needs only the refresh token, not a live access token. (Cognito's API
// reference lists no error for a token revoked already, and the emulator
// answers one as it answers a live one.) GlobalSignOut is for -everywhere,
// and for an app client whose token revocation is off (RevokeToken then
// fails with UnsupportedOperationException): it needs an access token,
// renewed for it as for ForgetDevice. The two exclude each other: each
// ends the access token the other needs (ForgetDevice ends the tokens
// bound to the device), so -everywhere leaves the device in the list,
// unusable without its file, and forgets it only when GlobalSignOut fails.
func signOutRemote(ctx context.Context, e *env, c *connection, tok *cognitosrp.Tokens, dev *cognitosrp.Device, everywhere bool) *signOutResult {
	const deviceStays = "the device stays in the user's list of devices, unusable without its file"
	r := new(signOutResult)
	if tok == nil || tok.RefreshToken == "" {
		// Nothing to revoke; ForgetDevice and GlobalSignOut need an
		// access token, and sign-out logs in with no password.
		if tok != nil {
			r.done = append(r.done, "no refresh token cached to revoke")
		}
		if dev != nil {
			r.done = append(r.done, "no cached tokens to forget the device with at Cognito: "+deviceStays)
		}
		if everywhere {
			r.done = append(r.done, "no cached tokens to sign out everywhere with")
		}
		return r
	}
	client := c.client()
	var renewed *cognitosrp.Tokens // renewed (and cached) for ForgetDevice or GlobalSignOut
	if dev != nil || everywhere {
		// Renewed even if tok's look fresh (obtain takes them as refused):
		// a renewal's refusal (ErrLoginRequired) says the refresh token
		// is dead, which is no failure of a sign-out, where the refusal of
		// an access token revoked with it would read as one. The session
		// logs in with no password, and its GlobalSignOut renews once
		// more should Cognito refuse the access token as revoked.
		sess, t, err := obtain(ctx, e, c, tok, cognitosrp.AccessToken)
		renewed = t
		if sess != nil {
			defer sess.Close()
		}
		if errors.Is(err, cognitosrp.ErrLoginRequired) {
			return endedAlready(dev, everywhere)
		}
		if everywhere {
			if err == nil {
				if err = sess.GlobalSignOut(ctx); err == nil {
					// Every refresh token of the user is dead, tok's and
					// renewed's among them, and so is the access token
					// that ForgetDevice would need.
					done := []string{"signed out everywhere"}
					if dev != nil {
						done = append(done, deviceStays)
					}
					return &signOutResult{done: done}
				}
				// Then at least this machine's tokens, as without
				// -everywhere.
				r.failed(err)
				err = nil
			}
			// GlobalSignOut failed, or the renewal it needed did.
			r.kept = append(r.kept, "the user's other refresh tokens stay usable")
		}
		if err == nil && dev != nil {
			if err = forgetDevice(ctx, client, renewed, dev); err == nil {
				r.forgot = true
				r.done = append(r.done, "device forgotten")
			}
		}
		if err != nil {
			r.failed(err)
			if dev != nil {
				r.kept = append(r.kept, deviceStays)
			}
		}
	}
	var revokeErr error // the first revocation's failure
	revoke := func(t *cognitosrp.Tokens) {
		err := client.RevokeToken(ctx, &cognitosrp.RevokeTokenInput{Token: t.RefreshToken, ClientId: c.clientID, ClientSecret: c.clientSecret})
		revokeErr = cmp.Or(revokeErr, err)
		if ae := (*cognitosrp.APIError)(nil); errors.As(err, &ae) && ae.Type == "UnsupportedOperationException" {
			// Whatever failed before (GlobalSignOut, the renewal): the
			// files must stay for another -everywhere. Refused twice
			// with rotation; the other revocation's failure, if another
			// (Cognito failing), is moot: it would be refused too.
			r.unrevocable = cmp.Or(r.unrevocable, err)
			revokeErr = r.unrevocable
		}
	}
	// A renewal with rotation retired tok's refresh token and issued
	// another, which no file will hold: revoked too.
	if renewed != nil && renewed.RefreshToken != tok.RefreshToken {
		revoke(renewed)
	}
	revoke(tok)
	switch {
	case revokeErr == nil:
		r.done = append([]string{"refresh token revoked"}, r.done...)
	case r.unrevocable != nil && r.forgot && refreshEnded(ctx, e, c, renewed):
		// Forgetting a device ends the refresh tokens issued to it, so
		// the cache is signed out, and its files can go. A renewal
		// checks it rather than the command assuming it: a token
		// issued to no device, or to another than the file's, lives
		// on, and the token file stays for the -everywhere that ends
		// it. Without this, the files stayed for an -everywhere that
		// found the token dead.
		r.unrevocable = nil
		r.done[slices.Index(r.done, "device forgotten")] = "device forgotten, which ended its refresh token (this app client does not allow token revocation)"
	case r.unrevocable != nil && dev == nil && !everywhere && refreshEnded(ctx, e, c, tok):
		// Never renewed (no device to forget, no -everywhere), the token
		// may have ended already (the user signed out elsewhere), which
		// the refusal does not say: else the files stayed for an
		// -everywhere that found it dead.
		return endedAlready(nil, false)
	default:
		r.failed(revokeErr)
		r.kept = append([]string{"the refresh token stays usable until it expires"}, r.kept...)
	}
	return r
}

// endedAlready is the result of a sign-out whose refresh token Cognito
// refused to renew: revoked or expired already, nothing left to revoke.
func endedAlready(dev *cognitosrp.Device, everywhere bool) *signOutResult {
	// Which of these Cognito does not say; a device forgotten (elsewhere,
	// or by the run that kept these files) is out of the list.
	msg := "the refresh token had ended already (expired, revoked, or its device forgotten)"
	if dev != nil {
		msg += ", so the device, if still in the user's list of devices, stays there, unusable without its file"
	}
	done := []string{msg}
	if everywhere {
		// GlobalSignOut needs an access token: the user's other refresh
		// tokens live on.
		done = append(done, "not signed out everywhere, which needs a live refresh token")
	}
	return &signOutResult{done: done}
}

// refreshEnded reports whether Cognito refuses to renew the cached tokens,
// tok, which it does once their refresh token has ended. A renewal with
// rotation replaces them in the cache, as token's would.
func refreshEnded(ctx context.Context, e *env, c *connection, tok *cognitosrp.Tokens) bool {
	sess, _, err := obtain(ctx, e, c, tok, cognitosrp.AccessToken)
	if sess != nil {
		sess.Close()
	}
	return errors.Is(err, cognitosrp.ErrLoginRequired)
}

// forgetDevice forgets dev at Cognito (ForgetDevice) with tok's access
// token.
func forgetDevice(ctx context.Context, client *cognitosrp.Client, tok *cognitosrp.Tokens, dev *cognitosrp.Device) error {
	// A value of its own, never printed: it holds the access token.
	in := struct{ AccessToken, DeviceKey string }{tok.AccessToken, dev.Key}
	err := client.Call(ctx, "ForgetDevice", &in, &struct{}{})
	if errors.Is(err, cognitosrp.ErrResourceNotFound) {
		err = nil // forgotten already (by the user elsewhere, an administrator)
	}
	return err
}

// removeCache removes the token file and the device file beside it. Not
// cancelled: it is quick, and a half-removed cache would keep a device
// whose tokens are gone.
func removeCache(ctx context.Context, store *cognitosrp.FileStore) error {
	if err := store.Clear(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	return removeDeviceFile(store)
}

// removeDeviceFile removes the device file beside store's token file. A
// FileStore's Clear of its path does that as Clear removes the token file:
// on Windows it tries again while another process has the file open (a
// run's LoadDevice), where os.Remove fails at once, and it sweeps the
// temporary files a killed save of the device file left, which hold the
// device's password.
func removeDeviceFile(store *cognitosrp.FileStore) error {
	err := cognitosrp.NewFileStore(deviceFilePath(store)).Clear(context.Background())
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe // without Clear's "clearing tokens"
	}
	if err != nil {
		return fmt.Errorf("removing the device file: %w", err)
	}
	return nil
}

// client returns a Client for the endpoint a Session of c calls, for the
// actions a Session does not make itself.
func (c *connection) client() *cognitosrp.Client {
	endpoint := c.endpoint
	if endpoint == "" {
		region, _, _ := strings.Cut(c.poolID, "_")
		endpoint = cognitosrp.RegionEndpoint(cmp.Or(c.region, region))
	}
	return &cognitosrp.Client{Endpoint: endpoint, HTTPClient: c.httpClient}
}
