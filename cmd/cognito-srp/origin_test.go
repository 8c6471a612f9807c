// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package main

import (
	"net/http"
	"testing"
)

// TestLeftOrigin: the hops that request's -H headers follow are those of
// the first request's origin, its scheme, host and port, with a default
// port written out or not and its host in either case; any other, or a
// hop back after one, has left it. TestRequestRedirectDropsHeaders sends
// real redirects, between two ports of one machine.
func TestLeftOrigin(t *testing.T) {
	get := func(u string) *http.Request {
		r, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, c := range []struct {
		hops []string // the first request, any hops between, the redirect
		left bool
	}{
		{[]string{"https://api.example.com/a", "https://api.example.com/b"}, false},
		{[]string{"https://api.example.com/a", "https://api.example.com:443/b"}, false},
		{[]string{"https://api.example.com:443/a", "https://api.example.com/b"}, false},
		{[]string{"http://api.example.com/a", "http://api.example.com:80/b"}, false},
		{[]string{"https://API.Example.COM/a", "https://api.example.com/b"}, false},
		{[]string{"https://zed.example/a", "https://ZED.EXAMPLE/b"}, false},
		{[]string{"https://api.example.com/a", "https://api.example.com/b", "https://api.example.com/c"}, false},
		{[]string{"https://api.example.com/a", "http://api.example.com/b"}, true},
		{[]string{"http://api.example.com/a", "http://api.example.com:443/b"}, true},
		{[]string{"https://api.example.com/a", "https://api.example.com:8443/b"}, true},
		{[]string{"https://api.example.com/a", "https://other.example.com/b"}, true},
		{[]string{"https://api.example.com/a", "https://other.example.com/b", "https://api.example.com/c"}, true},
	} {
		var via []*http.Request
		for _, u := range c.hops[:len(c.hops)-1] {
			via = append(via, get(u))
		}
		if got := leftOrigin(get(c.hops[len(c.hops)-1]), via); got != c.left {
			t.Errorf("leftOrigin(%v) = %v, want %v", c.hops, got, c.left)
		}
	}
}

// TestKeptAcrossOrigins: the -H headers that describe the content wanted
// or sent follow a redirect to another origin, whatever the case of their
// name; any other header, which may hold a credential, does not.
func TestKeptAcrossOrigins(t *testing.T) {
	for name, want := range map[string]bool{
		"Accept": true, "accept-encoding": true, "Accept-Language": true, "content-type": true,
		"Content-Language": true, "user-agent": true, "User-Agent": true,
		"X-Api-Key": false, "x-api-key": false, "Authorization": false, "Cookie": false, "X-Accept": false,
	} {
		if got := keptAcrossOrigins(name); got != want {
			t.Errorf("keptAcrossOrigins(%q) = %v, want %v", name, got, want)
		}
	}
}
