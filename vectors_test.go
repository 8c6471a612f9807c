// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"testing"
)

// This file reads the known-answer vectors under testdata/. They were made
// by testdata/oracle/gen_vectors.js with the official JavaScript client
// (amazon-cognito-identity-js), cross-checked there against a second,
// from-scratch implementation. The names are exported (for tests only, as in
// the standard library's export_test.go files) so that the external test
// package can build fixtures from the same vectors.

// SRPVector is one PASSWORD_VERIFIER (or DEVICE_PASSWORD_VERIFIER) case.
// Hex integers are lowercase without leading zeros; *Pad fields are the
// padded hex; B and Salt are spelled exactly as a server sent them.
type SRPVector struct {
	Name         string `json:"name"`
	BKind        string `json:"bKind"`
	PoolName     string `json:"poolName"`
	LoginName    string `json:"loginName"`
	UserIDForSRP string `json:"userIdForSrp"`
	Password     string `json:"password"`
	PrivateA     string `json:"a"` // the 128 random bytes, hex
	A            string `json:"A"`
	APad         string `json:"APad"`
	B            string `json:"B"`
	BPad         string `json:"BPad"`
	Salt         string `json:"salt"`
	SaltPad      string `json:"saltPad"`
	SecretBlock  string `json:"secretBlock"`
	Timestamp    string `json:"timestamp"`
	U            string `json:"u"`
	UPad         string `json:"uPad"`
	X            string `json:"x"`
	S            string `json:"S"`
	SPad         string `json:"SPad"`
	K            string `json:"K"`
	Signature    string `json:"signature"`

	// Device SRP cases only.
	Username       string `json:"username"`
	DeviceGroupKey string `json:"deviceGroupKey"`
	DeviceKey      string `json:"deviceKey"`
}

// SRPVectors is testdata/srp_vectors.json.
type SRPVectors struct {
	Source string      `json:"source"`
	N      string      `json:"N"`
	G      string      `json:"g"`
	K      string      `json:"k"`
	Cases  []SRPVector `json:"cases"`
}

// DeviceVector is one remembered device of testdata/device_vectors.json.
type DeviceVector struct {
	Name           string `json:"name"`
	DeviceGroupKey string `json:"deviceGroupKey"`
	DeviceKey      string `json:"deviceKey"`
	DevicePassword string `json:"devicePassword"`
	Salt           string `json:"salt"`
	SaltPad        string `json:"saltPad"`
	X              string `json:"x"`
	Verifier       string `json:"verifier"`
	VerifierB64    string `json:"verifierB64"`
	SaltB64        string `json:"saltB64"`
}

// DeviceVectors is testdata/device_vectors.json.
type DeviceVectors struct {
	Source    string         `json:"source"`
	Devices   []DeviceVector `json:"devices"`
	DeviceSRP []SRPVector    `json:"deviceSrp"`
}

// SecretHashVector is one case of testdata/secret_hash_vectors.json.
type SecretHashVector struct {
	Name         string `json:"name"`
	Username     string `json:"username"`
	ClientID     string `json:"clientId"`
	ClientSecret string `json:"clientSecret"`
	SecretHash   string `json:"secretHash"`
}

// ReadTestJSON decodes testdata/<name> into v, failing the test on error.
func ReadTestJSON(t testing.TB, name string, v any) {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("testdata/%s: %v", name, err)
	}
}

// ReadSRPVectors returns the cases of testdata/srp_vectors.json and of
// the files that continue it, srp_vectors_2.json and so on: the oracle's
// generator splits the cases so that no file is over the 512 KiB that CI
// allows one (.ci/run).
func ReadSRPVectors(t testing.TB) *SRPVectors {
	v := new(SRPVectors)
	ReadTestJSON(t, "srp_vectors.json", v)
	if len(v.Cases) == 0 {
		t.Fatal("testdata/srp_vectors.json has no cases")
	}
	for i := 2; ; i++ {
		name := fmt.Sprintf("srp_vectors_%d.json", i)
		if _, err := os.Stat("testdata/" + name); errors.Is(err, fs.ErrNotExist) {
			return v
		}
		more := new(SRPVectors)
		ReadTestJSON(t, name, more)
		if more.N != v.N || more.G != v.G || more.K != v.K || len(more.Cases) == 0 {
			t.Fatalf("testdata/%s: another group than srp_vectors.json's, or no cases", name)
		}
		v.Cases = append(v.Cases, more.Cases...)
	}
}

// readDeviceVectors returns testdata/device_vectors.json, which must hold
// the remembered devices and device SRP exchanges the oracle made.
func readDeviceVectors(t testing.TB) *DeviceVectors {
	t.Helper()
	v := new(DeviceVectors)
	ReadTestJSON(t, "device_vectors.json", v)
	if len(v.Devices) < 10 || len(v.DeviceSRP) < 5 {
		t.Fatalf("testdata/device_vectors.json: only %d device and %d device-SRP vectors", len(v.Devices), len(v.DeviceSRP))
	}
	return v
}

// SRPVectorByName returns the case called name.
func SRPVectorByName(t testing.TB, name string) SRPVector {
	t.Helper()
	for _, c := range ReadSRPVectors(t).Cases {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("testdata/srp_vectors.json has no case %q", name)
	return SRPVector{}
}
