// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitotest

import (
	"encoding/base64"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file holds GetDevice and ListDevices, which describe the devices
// of the access token's user.
//
// Confirmed by Cognito's API reference: both are authorized by an access
// token; GetDevice takes DeviceKey and answers Device, ListDevices takes
// Limit (0 to 60) and PaginationToken and answers Devices and, while more
// remain, PaginationToken; a device is a DeviceType of DeviceKey,
// DeviceAttributes (Name, Value) and three dates, which the JSON protocol
// sends as epoch seconds. The attribute names are those of the AWS CLI's
// list-devices example (aws-cli, awscli/examples/cognito-idp): device_status
// "valid", device_name, last_ip_used and dev:device_remembered_status
// "remembered" or "not_remembered".
//
// From client libraries: ListDevices lists the remembered devices only
// (amazon-cognito-identity-js's README, pull request 199; Amplify's
// fetchDevices doc, and amplify-js pull request 12171, which found a
// device of an opt-in pool listed only once the user remembered it).
//
// Assumptions, which Cognito does not document:
//   - GetDevice finds a device once ConfirmDevice confirmed it, remembered
//     or not, as UpdateDeviceStatus finds only such a device here: one
//     issued and never confirmed has no name and cannot sign in. GetDevice
//     of one, or of another user's, is ResourceNotFoundException "Device
//     does not exist.", as a login's.
//   - The example's dev:device_arn, dev:device_owner and dev:device_sdk are
//     left out: the emulator has no account id for the ARN and does not know
//     what the other two are made of.
//   - Devices are listed in the order of their keys; a Limit left out or 0
//     lists 60, the most a request may ask for.
//   - DeviceLastAuthenticatedDate and last_ip_used change with each login
//     that names the device (and when it is issued), DeviceLastModifiedDate
//     with ConfirmDevice and a change of remembered status. last_ip_used is
//     the address the emulator saw the client at (192.0.2.1 through
//     Server.Transport), and missing for a device IssueTokens issued.

// maxDeviceLimit is the largest Limit of ListDevices (QueryLimitType).
const maxDeviceLimit = 60

// epochSeconds is a time as the JSON 1.1 protocol sends a timestamp: a
// number of seconds since 1970, with milliseconds as Cognito's carry.
type epochSeconds time.Time

func (t epochSeconds) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', -1, 64), nil
}

// nameValue is an AttributeType: Name and Value.
type nameValue struct{ Name, Value string }

// deviceType is Cognito's DeviceType.
type deviceType struct {
	DeviceKey                   string
	DeviceAttributes            []nameValue
	DeviceCreateDate            epochSeconds
	DeviceLastModifiedDate      epochSeconds
	DeviceLastAuthenticatedDate epochSeconds
}

// describe returns d as Cognito describes a device. Server.mu must be held.
func (d *device) describe() deviceType {
	attrs := []nameValue{{"device_status", "valid"}}
	if d.name != "" {
		attrs = append(attrs, nameValue{"device_name", d.name})
	}
	if d.lastIP != "" {
		attrs = append(attrs, nameValue{"last_ip_used", d.lastIP})
	}
	status := "not_remembered"
	if d.remembered {
		status = "remembered"
	}
	attrs = append(attrs, nameValue{"dev:device_remembered_status", status})
	return deviceType{
		DeviceKey:                   d.key,
		DeviceAttributes:            attrs,
		DeviceCreateDate:            epochSeconds(d.created),
		DeviceLastModifiedDate:      epochSeconds(d.modified),
		DeviceLastAuthenticatedDate: epochSeconds(d.lastAuth),
	}
}

// deviceUsed records a login with the device key at now from address ip.
func (s *Server) deviceUsed(key string, now time.Time, ip string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.devices[key]; d != nil {
		d.lastAuth = now
		if ip != "" {
			d.lastIP = ip
		}
	}
}

// getDevice serves GetDevice: a confirmed device of the token's user.
func (s *Server) getDevice(c *call) (any, *apiError) {
	var in withDevice
	u, aerr := s.decodeForDevice(c, &in, nil)
	if aerr != nil {
		return nil, aerr
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.userDeviceLocked(*in.DeviceKey, u.Username)
	if d == nil {
		return nil, errNoDevice()
	}
	return map[string]deviceType{"Device": d.describe()}, nil
}

// listDevices serves ListDevices: the remembered devices of the token's
// user, Limit at a time. The PaginationToken is the key of the last device
// of the page, encoded: the next page starts after it, so that a device
// forgotten or remembered between pages neither repeats nor shifts another.
func (s *Server) listDevices(c *call) (any, *apiError) {
	var in struct {
		withAccessToken
		Limit           *int
		PaginationToken *string
	}
	limit := maxDeviceLimit
	u, aerr := s.decodeForUser(c, &in, func(v *violations) {
		if in.Limit != nil {
			n := strconv.Itoa(*in.Limit)
			switch {
			case *in.Limit < 0:
				v.add("limit", &n, "Member must have value greater than or equal to 0")
			case *in.Limit > maxDeviceLimit:
				v.add("limit", &n, "Member must have value less than or equal to 60")
			case *in.Limit > 0:
				limit = *in.Limit
			}
		}
		if t := in.PaginationToken; t != nil && *t == "" {
			v.add("paginationToken", t, "Member must have length greater than or equal to 1")
		}
	})
	if aerr != nil {
		return nil, aerr
	}
	after := ""
	if t := in.PaginationToken; t != nil {
		key, err := base64.RawURLEncoding.DecodeString(*t)
		after = string(key)
		var bad violations // a key of DeviceKeyType, as ListDevices gives
		if checkDeviceKey(&bad, &after, true); err != nil || bad != nil {
			// Cognito's words for it are not known.
			return nil, errInvalidParameter("Invalid pagination token.").because("PaginationToken is not one ListDevices gave")
		}
	}
	s.mu.Lock()
	var mine []*device
	for _, d := range s.devices {
		if d.confirmed && d.remembered && fold(d.username) == fold(u.Username) && d.key > after {
			mine = append(mine, d)
		}
	}
	slices.SortFunc(mine, func(a, b *device) int { return strings.Compare(a.key, b.key) })
	out := struct {
		Devices         []deviceType
		PaginationToken string `json:",omitempty"`
	}{Devices: make([]deviceType, 0, min(len(mine), limit))}
	for _, d := range mine[:min(len(mine), limit)] {
		out.Devices = append(out.Devices, d.describe())
	}
	s.mu.Unlock()
	if len(mine) > limit {
		out.PaginationToken = base64.RawURLEncoding.EncodeToString([]byte(out.Devices[len(out.Devices)-1].DeviceKey))
	}
	return out, nil
}
