// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"unsafe"
)

// holding returns the paths of the strings and byte slices reachable from
// root that contain one of secrets: what a heap dump, or a later bug, could
// still find there. It follows pointers, interfaces, the elements of
// slices, arrays and maps, and atomic.Pointer's target; not functions or
// channels, whose captures and contents reflect cannot see.
func holding(root any, secrets ...string) []string {
	type seen struct {
		p uintptr
		t reflect.Type
	}
	// Each pointer is walked once; one that led to a secret is reported
	// again on each path that reaches it.
	visited := map[seen]bool{}
	var found []string
	has := func(b []byte) bool {
		for _, s := range secrets {
			if s != "" && bytes.Contains(b, []byte(s)) {
				return true
			}
		}
		return false
	}
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		switch v.Kind() {
		case reflect.Pointer:
			if v.IsNil() {
				return
			}
			k := seen{v.Pointer(), v.Type()}
			if hit, ok := visited[k]; ok {
				if hit {
					found = append(found, path+" (again)")
				}
				return
			}
			visited[k] = false // until walked: a cycle
			n := len(found)
			walk(v.Elem(), path)
			visited[k] = len(found) > n
		case reflect.Interface:
			if !v.IsNil() {
				walk(v.Elem(), path)
			}
		case reflect.Struct:
			t := v.Type()
			if t.PkgPath() == "sync/atomic" && strings.HasPrefix(t.Name(), "Pointer[") {
				// Its _ [0]*T field names T; v holds the pointer.
				p := v.FieldByName("v")
				if p.CanAddr() {
					p = reflect.ValueOf(atomic.LoadPointer((*unsafe.Pointer)(p.Addr().UnsafePointer())))
				}
				if p.UnsafePointer() != nil {
					walk(reflect.NewAt(t.Field(0).Type.Elem().Elem(), p.UnsafePointer()), path)
				}
				return
			}
			for i := range v.NumField() {
				walk(v.Field(i), path+"."+t.Field(i).Name)
			}
		case reflect.Slice, reflect.Array:
			if v.Type().Elem().Kind() == reflect.Uint8 {
				b := make([]byte, v.Len())
				for i := range b {
					b[i] = byte(v.Index(i).Uint())
				}
				if has(b) {
					found = append(found, path)
				}
				return
			}
			for i := range v.Len() {
				walk(v.Index(i), path+"[]")
			}
		case reflect.Map:
			for it := v.MapRange(); it.Next(); {
				walk(it.Key(), path+"{key}")
				walk(it.Value(), path+"{}")
			}
		case reflect.String:
			if has([]byte(v.String())) {
				found = append(found, path)
			}
		}
	}
	walk(reflect.ValueOf(root), reflect.TypeOf(root).String())
	return found
}

// TestForgottenTokensUnreachable: once SignOut or SetTokens(nil) has
// forgotten the tokens, nothing in the Session or an Auth on it holds them
// any more: not the schedule computed for them, not the header value an
// Auth built from them, not the tokens a 401 forced a renewal from, not a
// dead refresh token's (SetTokens(nil) kept that one). Each
// kept them, refresh token included, for as long as the session lived (a
// session without a password makes no request after a sign-out that
// would replace them), where a heap dump or a later bug could find them,
// although the session could never use them again; the access token
// stays valid, to an API that checks its signature alone, until it
// expires, and so does a refresh token whose revocation failed. No
// request after the sign-out carries them either.
func TestForgottenTokensUnreachable(t *testing.T) {
	for _, forget := range []struct {
		name string
		do   func(*Session)
	}{
		{"SignOut", func(s *Session) { s.SignOut(context.Background()) }},
		{"SetTokens(nil)", func(s *Session) { s.SetTokens(nil) }},
	} {
		for _, password := range []bool{false, true} {
			name := forget.name + "/password-less"
			if password {
				name = forget.name + "/password"
			}
			t.Run(name, func(t *testing.T) {
				f := newFakeCognito(t, nil)
				sent := make(chan string, 10)
				a, s, _ := authOn(t, f, Options{})
				a.base = RoundTripFunc(func(r *http.Request) (*http.Response, error) {
					sent <- r.Header.Get("Authorization")
					return http.DefaultTransport.RoundTrip(r)
				})
				get := func() *http.Response {
					t.Helper()
					req, _ := http.NewRequest("GET", f.api.URL, nil)
					resp, err := a.RoundTrip(req)
					if err != nil {
						return nil
					}
					resp.Body.Close()
					return resp
				}
				// A 401 forces a renewal (forcedFrom), whose tokens a
				// request then carries (the header value, the schedule).
				first := s.Tokens()
				f.set(func(f *fakeCognito) { f.rejected[first.AccessToken] = true })
				if resp := get(); resp == nil || resp.StatusCode != http.StatusOK || s.Tokens() == first {
					t.Fatalf("request after a 401: %v, renewed %v", resp, s.Tokens() != first)
				}
				// A refresh token Cognito refuses (dead).
				second := s.Tokens()
				f.set(func(f *fakeCognito) { f.refresh = map[string]*fakeUser{} })
				if err := s.Refresh(context.Background()); err == nil {
					t.Fatal("Refresh with a refused refresh token succeeded")
				}
				settle(t, s)
				if !password {
					s.password = ""
				}
				old := []string{first.AccessToken, first.IDToken, first.RefreshToken,
					second.AccessToken, second.IDToken, second.RefreshToken}
				for len(sent) > 0 {
					<-sent
				}

				if len(holding(s, old...)) == 0 {
					t.Fatal("holding finds no tokens in the session before it forgets them")
				}
				forget.do(s)
				settle(t, s)
				if held := holding(a, old...); len(held) > 0 {
					t.Errorf("the forgotten tokens are still held in %s", strings.Join(held, ", "))
				}
				get()
				settle(t, s)
				close(sent)
				// With its password the session logs in again and sends;
				// without, it cannot: the check below is of a request.
				if want := map[bool]int{false: 0, true: 1}[password]; len(sent) != want {
					t.Fatalf("%d requests after %s, want %d", len(sent), forget.name, want)
				}
				for h := range sent {
					if has := holding(h, old...); len(has) > 0 {
						t.Errorf("a request after %s carried a forgotten token", forget.name)
					}
				}
			})
		}
	}
}

// TestCloseDropsPassword: a closed session logs in no more, so Close drops
// the password it kept for its logins (and the one a forced change gave
// it). It kept both for as long as the program kept the session, or an
// Auth on it, although nothing could use them again. The tokens stay:
// requests after Close carry them while they are valid, and SignOut
// revokes them.
func TestCloseDropsPassword(t *testing.T) {
	f := newFakeCognito(t, nil)
	a, err := New(Options{Username: f.user, Password: f.password, UserPoolID: f.poolID, ClientID: f.clientID, Endpoint: f.URL})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Token(context.Background()); err != nil {
		t.Fatal(err)
	}
	settle(t, a.session)
	changed := "a newer password"
	a.session.changedPassword.Store(&changed)
	if len(holding(a, f.password, changed)) < 2 {
		t.Fatal("holding does not find both passwords before Close")
	}
	a.Close()
	if held := holding(a, f.password, changed); len(held) > 0 {
		t.Errorf("a closed Auth still holds a password in %s", strings.Join(held, ", "))
	}
	if _, err := a.Token(context.Background()); err != nil {
		t.Errorf("Token after Close, with valid tokens: %v", err)
	}
}

// TestForgottenTokensUnreachableAfterARacingRequest: a request that read
// the tokens just before SignOut or SetTokens(nil) forgot them computes
// their schedule and header value after the forgetting cleared both. It
// stored them back, and so kept the forgotten tokens reachable from the
// session for its life, as TestForgottenTokensUnreachable's sign-out
// without a racing request does not.
func TestForgottenTokensUnreachableAfterARacingRequest(t *testing.T) {
	for name, forget := range map[string]func(*Session){
		"SignOut":        func(s *Session) { s.SignOut(context.Background()) },
		"SetTokens(nil)": func(s *Session) { s.SetTokens(nil) },
	} {
		t.Run(name, func(t *testing.T) {
			f := newFakeCognito(t, nil)
			a, s, _ := authOn(t, f, Options{})
			tok := s.tokens.Load() // what validTokens reads first
			forget(s)
			settle(t, s)
			s.scheduleFor(tok) // what validTokens does next
			if _, err := a.valueFor(tok); err != nil {
				t.Fatal(err)
			}
			if held := holding(a, tok.AccessToken, tok.IDToken, tok.RefreshToken); len(held) > 0 {
				t.Errorf("the forgotten tokens are still held in %s", strings.Join(held, ", "))
			}
		})
	}
}

// TestForgottenDeadRefreshTokenAfterARacingRenewal: a renewal whose
// refresh token Cognito refused records it as dead (s.dead), and may do
// so after a SetTokens(nil) or SignOut has cleared that record. The
// record kept the forgotten tokens, refresh token included, for the
// session's life; the voided flight now drops it.
func TestForgottenDeadRefreshTokenAfterARacingRenewal(t *testing.T) {
	f := newFakeCognito(t, nil)
	s := newLifecycleSession(t, f, f.password, nil)
	if _, err := s.ValidTokens(context.Background(), AccessToken); err != nil {
		t.Fatal(err)
	}
	settle(t, s)
	s.password = ""
	old := s.Tokens()
	f.set(func(f *fakeCognito) { f.refresh = map[string]*fakeUser{} })
	// Logged when the renewal has failed, before the flight records the
	// refresh token as dead: the sign-out comes in between.
	forgot := false
	s.cfg.Logger = slog.New(onMessage{"cognitosrp: renewal failed", func() { s.SetTokens(nil); forgot = true }})
	if err := s.Refresh(context.Background()); err == nil {
		t.Fatal("Refresh with a refused refresh token succeeded")
	}
	settle(t, s)
	if !forgot {
		t.Fatal("the renewal did not fail")
	}
	if held := holding(s, old.AccessToken, old.IDToken, old.RefreshToken); len(held) > 0 {
		t.Errorf("the forgotten tokens are still held in %s", strings.Join(held, ", "))
	}
}

// onMessage is a slog.Handler that runs do when msg is logged.
type onMessage struct {
	msg string
	do  func()
}

func (h onMessage) Enabled(context.Context, slog.Level) bool { return true }
func (h onMessage) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h onMessage) WithGroup(string) slog.Handler            { return h }
func (h onMessage) Handle(_ context.Context, r slog.Record) error {
	if r.Message == h.msg {
		h.do()
	}
	return nil
}
