// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"log/slog"
)

// Events go to Config.Logger, if any. They never carry a secret: no
// password, no token, no client secret. A token is named by its jti claim
// at most (see tokenID), enough to match log lines without being usable.

// logs reports whether an event of level would be written, so that costly
// attributes are built only then. Not inlined, for its many callers
// (binary size: out of line, see doc.go).
//
//go:noinline
func (s *Session) logs(ctx context.Context, level slog.Level) bool {
	return s.cfg.Logger != nil && s.cfg.Logger.Enabled(ctx, level)
}

// log writes an event when a logger is configured, with the user first
// (key "user"): several sessions often share one logger, and an event
// that does not say whose it is cannot be acted on. args are what
// Logger.Log takes: key-value pairs, or an slog.Attr. They are handed on
// as they are, not built as slog.Attr values at each call site and
// copied into the []any that Log wants (binary size: nothing per call,
// see doc.go).
func (s *Session) log(ctx context.Context, level slog.Level, msg string, args ...any) {
	if s.logs(ctx, level) {
		s.cfg.Logger.Log(ctx, level, msg, append([]any{"user", s.username}, args...)...)
	}
}

// maxJTILen bounds a jti in the logs.
const maxJTILen = 64

// tokenID names tokens in the logs, under the key "jti": by their access
// token's jti (Cognito's are UUIDs; a longer one is cut at 64 bytes), or by
// nothing (an empty string) when it has none. No part of the token itself
// is logged.
func tokenID(t *Tokens) string {
	if c, err := ParseUnverified(t.AccessToken); err == nil {
		return serverText(c.ID, maxJTILen)
	}
	return ""
}
