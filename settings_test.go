// Copyright 2026 The cognitosrp Authors. All rights reserved.
// Use of this source code is governed by a BSD-style
// license that can be found in the LICENSE file.

package cognitosrp

import (
	"reflect"
	"strings"
	"testing"
)

// TestSettingsCopyConfig: a Session holds its Config as settings, a copy
// of Config's fields written out by hand (session.go says why), less
// HTTPClient, which it holds as apiClient's send. A field added to Config
// and not to settings, or not copied by settingsOf, would be dropped in
// silence, every session running with its zero value: this fails then.
// Each field of Config is set alone to a value other than its zero, and
// settingsOf must give the same value in the field of that name, and no
// other field set.
func TestSettingsCopyConfig(t *testing.T) {
	ct, st := reflect.TypeFor[Config](), reflect.TypeFor[settings]()
	held := map[string]bool{"HTTPClient": true} // in Session.api
	if got, want := st.NumField(), ct.NumField()-len(held); got != want {
		t.Errorf("settings has %d fields, Config %d less HTTPClient", got, want)
	}
	for i := range ct.NumField() {
		f := ct.Field(i)
		if held[f.Name] {
			continue
		}
		sf, ok := st.FieldByName(f.Name)
		if !ok || sf.Type != f.Type {
			t.Errorf("settings has no field %s of type %v, as Config has", f.Name, f.Type)
			continue
		}
		var cfg Config
		v := reflect.ValueOf(&cfg).Elem().Field(i)
		v.Set(nonZeroValue(t, f.Type))
		s := reflect.ValueOf(settingsOf(&cfg))
		for j := range st.NumField() {
			name := st.Field(j).Name
			switch set := !s.Field(j).IsZero(); {
			case name == f.Name && !sameValue(s.Field(j), v):
				t.Errorf("settingsOf does not copy Config.%s", f.Name)
			case name != f.Name && set:
				t.Errorf("settingsOf sets settings.%s from Config.%s", name, f.Name)
			}
		}
	}
}

// nonZeroValue returns a value of type typ other than its zero value, with
// every field of a struct set.
func nonZeroValue(t *testing.T, typ reflect.Type) reflect.Value {
	t.Helper()
	v := reflect.New(typ).Elem()
	switch typ.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(1)
	case reflect.Pointer:
		v.Set(reflect.New(typ.Elem()))
	case reflect.Slice:
		v.Set(reflect.MakeSlice(typ, 1, 1))
	case reflect.Func:
		v.Set(reflect.MakeFunc(typ, func([]reflect.Value) []reflect.Value {
			out := make([]reflect.Value, typ.NumOut())
			for i := range out {
				out[i] = reflect.Zero(typ.Out(i))
			}
			return out
		}))
	case reflect.Struct:
		for i := range typ.NumField() {
			v.Field(i).Set(nonZeroValue(t, typ.Field(i).Type))
		}
	case reflect.Interface:
		for _, x := range []any{
			new(MemoryStore), TOTP{Secret: "JBSWY3DPEHPK3PXP"}, RememberDevices(nil, ""),
			strings.NewReader(""), verifierFunc(nil),
		} {
			if xv := reflect.ValueOf(x); xv.Type().Implements(typ) {
				v.Set(xv)
				return v
			}
		}
		t.Fatalf("no value of interface %v: add one to nonZeroValue", typ)
	default:
		t.Fatalf("no value of kind %v (%v): add one to nonZeroValue", typ.Kind(), typ)
	}
	return v
}

// sameValue reports whether a and b are equal, functions being equal when
// they have the same code.
func sameValue(a, b reflect.Value) bool {
	switch a.Kind() {
	case reflect.Func:
		return a.Pointer() == b.Pointer()
	case reflect.Struct:
		for i := range a.NumField() {
			if !sameValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(a.Interface(), b.Interface())
}
