// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// maxDrain bounds how much of a 401 response body is read before closing
// it: small bodies are drained so the connection can be reused, large ones
// are not worth the time.
const maxDrain = 64 << 10

// maxDrainWait bounds how long a 401 response body is read before
// closing it. The drain only spares the retry a new connection: a body
// that stops arriving must not hold the retry back until the request's
// deadline (which it then missed), or forever without one, when the 401
// itself came at once.
const maxDrainWait = time.Second

// retryUnauthorized handles a 401 to req, which carried a token of used:
// it has the token renewed (once for all requests rejected with the same
// tokens) and, unless req's body cannot be sent again, sends req once
// more. The renewal comes first even for such a body: the next requests
// would otherwise carry the refused token until it expired. When only a
// login can help and the session cannot make it (ErrLoginRequired), it
// returns that error; whenever else it cannot retry, the 401 untouched.
func (a *Auth) retryUnauthorized(req *http.Request, used *Tokens, resp *http.Response) (*http.Response, error) {
	ctx := req.Context()
	s := a.session
	t, err := s.renewRejected(ctx, used)
	if errors.Is(err, ErrLoginRequired) {
		// Only a login the program makes can help (Authenticate, with a
		// password the session does not have): the 401 would not tell
		// it so, and the session's next needs fail the same way.
		if resp.Body != nil {
			resp.Body.Close()
		}
		return nil, err
	}
	if err != nil {
		// DEBUG: why is said once elsewhere, by the failed renewal's event
		// or renewNow's, and every request rejected meanwhile comes here.
		s.log(ctx, slog.LevelDebug, "cognitosrp: 401 not retried: no new token",
			"method", req.Method, "host", req.URL.Host, "error", err.Error())
		return resp, nil
	}
	hasBody := req.Body != nil && req.Body != http.NoBody
	if hasBody && req.GetBody == nil {
		s.log(ctx, slog.LevelInfo, "cognitosrp: 401 not retried: the request body cannot be replayed",
			"method", req.Method, "host", req.URL.Host)
		return resp, nil
	}
	hv, err := a.valueFor(t)
	if err != nil || hv.tokens == used {
		return resp, nil
	}
	r2 := withHeader(req, a.header, hv.values)
	if hasBody {
		if r2.Body, err = req.GetBody(); err != nil {
			return resp, nil
		}
	}
	// A Base other than http.Transport may leave an empty Body nil, as
	// net/http's Client allows.
	if resp.Body != nil {
		drain(resp.Body, resp.ContentLength)
	}
	if s.logs(ctx, slog.LevelInfo) {
		// tokenID decodes the token: only for an event that is written.
		s.log(ctx, slog.LevelInfo, "cognitosrp: retrying request after 401 with a renewed token",
			"method", req.Method, "host", req.URL.Host, "jti", tokenID(t))
	}
	return a.transport().RoundTrip(r2)
}

// drain reads what is left of body, up to maxDrain bytes and for at most
// maxDrainWait, and closes it. Once that wait is over, body is closed
// while it is being read, which ends the read: net/http's response bodies,
// HTTP/1 and HTTP/2, allow a Close during a Read. A body whose length
// (size, -1 if unknown) is over maxDrain is closed unread, as net/http
// does with a redirect's: reading part of it cannot free the connection.
func drain(body io.ReadCloser, size int64) {
	if size > maxDrain {
		body.Close()
		return
	}
	t := time.AfterFunc(maxDrainWait, func() { body.Close() })
	io.CopyN(io.Discard, body, maxDrain)
	t.Stop()
	body.Close()
}
