// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"context"
	"encoding/json"
	"slices"
	"sync"
)

// FileDeviceStore is a DeviceStore that keeps remembered devices in one
// JSON file, with FileStore's care: mode 0600, atomic replacement, and a
// refusal (ErrInsecureFile) of a file others can read or write, or that
// belongs to another user than the process's, where file modes are Unix
// permissions (see FileStore for Windows, Plan 9, WASI and symbolic
// links). A refused file is neither read nor replaced: SaveDevice and
// DeleteDevice fail too.
//
// A process that logs in anew on every run needs it: with the in-memory
// default each run registers one more device with Cognito. The file holds
// device passwords: anyone who can read it and knows a user's password can
// sign in as that device.
//
// One FileDeviceStore orders its own saves; it takes no file lock. Share
// one value among the sessions of a process: two values, or two processes,
// saving devices of different users to one file at the same moment may
// lose one of them (the last replacement wins), and that user's next login
// then registers a new device. LoadDevice, SaveDevice and DeleteDevice of a
// nil *FileDeviceStore, or of one with an empty path, fail with ErrConfig.
type FileDeviceStore struct {
	path string
	mu   sync.Mutex // orders this process's read-modify-write cycles
}

// NewFileDeviceStore returns a store that keeps devices in the file at
// path. It touches nothing until used; SaveDevice creates missing parent
// directories with mode 0700, as FileStore's Save does.
func NewFileDeviceStore(path string) *FileDeviceStore { return &FileDeviceStore{path: path} }

// Path returns the file's path ("" for a nil store).
func (s *FileDeviceStore) Path() string {
	if s == nil {
		return ""
	}
	return s.path
}

// deviceFile is the on-disk form, version 1.
type deviceFile struct {
	Version int                `json:"version"`
	Devices []deviceFileRecord `json:"devices"`
}

type deviceFileRecord struct {
	UserPoolID string `json:"user_pool_id"`
	Username   string `json:"username"`
	Key        string `json:"device_key"`
	GroupKey   string `json:"device_group_key"`
	Password   string `json:"device_password"`
}

// LoadDevice returns the owner's device, or nil when the file has none or
// does not exist.
func (s *FileDeviceStore) LoadDevice(ctx context.Context, owner DeviceOwner) (*Device, error) {
	if err := fileStoreError(s == nil, s.Path()); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.read(ctx)
	if err != nil {
		return nil, err
	}
	if i := f.find(owner); i >= 0 {
		r := f.Devices[i]
		return &Device{Key: r.Key, GroupKey: r.GroupKey, Password: r.Password}, nil
	}
	return nil, nil
}

// SaveDevice stores d as the owner's device, replacing any other.
func (s *FileDeviceStore) SaveDevice(ctx context.Context, owner DeviceOwner, d *Device) error {
	if err := fileStoreError(s == nil, s.Path()); err != nil {
		return err // before d, as the type's doc and MemoryDeviceStore say
	}
	if d == nil {
		return errNilDevice
	}
	return s.update(ctx, func(f *deviceFile) bool {
		r := deviceFileRecord{UserPoolID: owner.UserPoolID, Username: owner.Username, Key: d.Key, GroupKey: d.GroupKey, Password: d.Password}
		if i := f.find(owner); i >= 0 {
			f.Devices[i] = r
		} else {
			f.Devices = append(f.Devices, r)
		}
		return true
	})
}

// DeleteDevice forgets the owner's device. When the file holds none, it
// writes nothing (and creates no file).
func (s *FileDeviceStore) DeleteDevice(ctx context.Context, owner DeviceOwner) error {
	return s.update(ctx, func(f *deviceFile) bool {
		i := f.find(owner)
		if i >= 0 {
			f.Devices = slices.Delete(f.Devices, i, i+1)
		}
		return i >= 0
	})
}

// update applies change to the file's contents and writes them back if
// change reports that it changed them.
func (s *FileDeviceStore) update(ctx context.Context, change func(*deviceFile) bool) error {
	if err := fileStoreError(s == nil, s.Path()); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.read(ctx)
	if err != nil {
		return err
	}
	if !change(f) {
		return nil
	}
	// No error to check: an int and strings always encode (invalid UTF-8
	// as U+FFFD).
	data, _ := json.Marshal(f)
	if err := writeFileAtomic(s.path, data); err != nil {
		return errorf("cognitosrp: saving devices: %w", err)
	}
	return nil
}

// read returns the file's contents; a missing file is an empty one.
func (s *FileDeviceStore) read(ctx context.Context) (*deviceFile, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := readPrivateFile(s.path, "devices")
	if data == nil || err != nil {
		return &deviceFile{Version: fileFormatVersion}, err
	}
	// Decoded into a zero value: a file that names no version ("{}",
	// "null", another program's JSON) is of no version this package
	// knows, and a save must not replace it.
	f := new(deviceFile)
	if err := json.Unmarshal(data, f); err != nil {
		return nil, errorf("%w: %s is not a device file (%s)", ErrStoreFormat, s.path, jsonErrorKind(err))
	}
	if f.Version != fileFormatVersion {
		return nil, errorf("%w: %s has format version %d; this package reads version %d",
			ErrStoreFormat, s.path, f.Version, fileFormatVersion)
	}
	return f, nil
}

// find returns the index of the owner's record, or -1.
func (f *deviceFile) find(owner DeviceOwner) int {
	return slices.IndexFunc(f.Devices, func(r deviceFileRecord) bool {
		return r.UserPoolID == owner.UserPoolID && r.Username == owner.Username
	})
}

// String names the file.
func (s *FileDeviceStore) String() string {
	if s == nil {
		return "cognitosrp.FileDeviceStore(nil)"
	}
	return "cognitosrp.FileDeviceStore{" + s.path + "}"
}
