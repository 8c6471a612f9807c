// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"crypto/rsa"
	"errors"
	"net/http"
	"sync"
	"time"
)

// keyCache holds a pool's signing keys. Fetches are shared: however many
// verifications need the keys at once, one request goes out, and a token
// with an unknown kid causes at most one fetch per refetch interval.
type keyCache struct {
	url      string
	send     func(*http.Request) (*http.Response, error) // see sender
	now      func() time.Time
	lifetime time.Duration
	refetch  time.Duration

	mu          sync.Mutex // guards what follows
	keys        map[string]*rsa.PublicKey
	fetchedAt   time.Time // of keys
	lastAttempt time.Time // of the latest fetch, successful or not
	lastErr     error     // of the latest fetch
	flight      *keyFetch // the fetch in progress, if any
}

// keyFetch is one fetch shared by every caller that waits for it.
type keyFetch struct{ done chan struct{} }

func (c *keyCache) init(url string, cfg VerifierConfig) {
	c.url, c.send, c.now = url, sender(cfg.HTTPClient), cfg.Now
	c.lifetime, c.refetch = cfg.KeyLifetime, cfg.RefetchInterval
}

// get returns the key named kid, fetching the key set when there is none,
// when it has outlived its lifetime, or when kid is unknown and the last
// fetch is older than the refetch interval. A caller waits for at most one
// fetch.
func (c *keyCache) get(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	waited := false
	for {
		c.mu.Lock()
		now := c.now()
		fresh := c.keys != nil && elapsed(now, c.fetchedAt) < c.lifetime
		if k, ok := c.keys[kid]; ok && fresh {
			c.mu.Unlock()
			return k, nil
		}
		if !waited {
			f := c.flight
			if f == nil && c.mayFetch(now, fresh) {
				f = c.start(ctx, now)
			}
			if f != nil {
				c.mu.Unlock()
				select {
				case <-f.done:
				case <-ctx.Done():
					return nil, errorf("%w: %w", ErrKeySetUnavailable, ctx.Err())
				}
				waited = true
				continue
			}
		}
		err := c.missErr(fresh, kid)
		c.mu.Unlock()
		return nil, err
	}
}

// elapsed returns the time from then to now, two readings of the cache's
// clock. Sub alone counts time.Now readings on the monotonic clock, which
// stops while the machine sleeps or its VM is paused, when the wall clock
// and the pool's key set move on: a key set fetched before a night asleep
// would be trusted for another KeyLifetime. The longer of the two counts,
// so that neither a sleep nor a wall clock stepped back keeps keys fresh.
func elapsed(now, then time.Time) time.Duration {
	return max(now.Sub(then), now.Round(0).Sub(then.Round(0)))
}

// mayFetch reports whether a fetch may start now. Called with c.mu held.
func (c *keyCache) mayFetch(now time.Time, fresh bool) bool {
	if c.lastAttempt.IsZero() {
		return true
	}
	since := elapsed(now, c.lastAttempt)
	if !fresh {
		return since >= min(failedFetchRetry, c.refetch)
	}
	return since >= c.refetch
}

// missErr explains why no key could be returned. When the latest fetch
// failed, the token may be signed by a key the pool just added: that is a
// failure to get the keys, not proof of a bad token. Called with c.mu held.
func (c *keyCache) missErr(fresh bool, kid string) error {
	switch {
	case c.lastErr != nil:
		return c.lastErr
	case !fresh:
		return refine(&ErrKeySetUnavailable, "the key set has expired and could not be fetched again yet")
	}
	return errorf("%w: kid %.64q is not in the key set", ErrUnknownKey, kid)
}

// start begins a fetch. Called with c.mu held.
func (c *keyCache) start(ctx context.Context, now time.Time) *keyFetch {
	f := &keyFetch{done: make(chan struct{})}
	c.flight = f
	c.lastAttempt = now
	// The fetch keeps the caller's values but not its cancellation: other
	// verifications may be waiting for it. Nor its httptrace hooks, which
	// describe the caller's own request (a ReverseProxy's writes 1xx
	// answers to its client): the fetch goes to another host and may go
	// on after that request has ended, as a session's flight may
	// (flightValues).
	fctx, cancel := context.WithTimeout(&flightValues{parent: ctx}, keyFetchTimeout)
	go func() {
		defer cancel()
		keys, err := c.fetch(fctx)
		c.mu.Lock()
		if err == nil {
			c.keys, c.fetchedAt = keys, c.now()
		}
		c.lastErr = err
		c.flight = nil
		c.mu.Unlock()
		close(f.done)
	}()
	return f
}

// errURLDoesNotParse is the error of a key set URL that does not parse,
// in place of the parser's *url.Error, which quotes the whole URL, and with
// it any password in the URL's user info, and so may its cause: a '#', '?'
// or '/' in the password ends the host early, and the cause quotes the rest
// of the password as the host's "port".
var errURLDoesNotParse = errors.New("the URL does not parse")

// fetch downloads and parses the key set.
func (c *keyCache) fetch(ctx context.Context) (map[string]*rsa.PublicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url, nil)
	if err != nil {
		// Only the URL can be wrong here (the method is GET, the context
		// not nil), and the parser's *url.Error would quote it.
		return nil, errorf("%w: %w", ErrKeySetUnavailable, errURLDoesNotParse)
	}
	req.Header.Set("Accept", "application/json")
	// Sent as the calls to Cognito are (sender), so no redirect is
	// followed: Cognito's key sets never redirect, and one that did could
	// move the fetch from https to http, where the network could swap the
	// keys.
	resp, err := c.send(req)
	if err != nil {
		return nil, errorf("%w: %w", ErrKeySetUnavailable, &transportError{err})
	}
	defer resp.Body.Close()
	data, err := readUpTo(resp.Body, maxResponseBytes+1, resp.ContentLength)
	switch {
	case err != nil:
		return nil, errorf("%w: reading from %s: %w", ErrKeySetUnavailable, req.URL.Host, &transportError{err})
	case resp.StatusCode != http.StatusOK:
		// The host alone names the key set: the URL may hold a password.
		return nil, errorf("%w: %s answered HTTP %d", ErrKeySetUnavailable, req.URL.Host, resp.StatusCode)
	case len(data) > maxResponseBytes:
		return nil, errorf("%w: %w: larger than %d bytes", ErrKeySetUnavailable, ErrInvalidKeySet, maxResponseBytes)
	}
	keys, err := parseJWKS(data)
	if err != nil {
		return nil, errorf("%w: %w", ErrKeySetUnavailable, err)
	}
	return keys, nil
}
