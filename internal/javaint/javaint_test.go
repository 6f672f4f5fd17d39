package javaint

import (
	"errors"
	"testing"
)

// The cases follow Java's Integer.parseInt (java.lang.Integer, base 10), as
// WSO2 reads server.offset and -DportOffset.
func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		err  error
	}{
		{"2", 2, nil},
		{"+2", 2, nil},
		{"-1", -1, nil},
		{"007", 7, nil},
		{"２", 2, nil},       // fullwidth digit two: Character.digit reads it
		{"١٢", 12, nil},     // Arabic-Indic digits
		{"𝟐", 0, ErrSyntax}, // outside the BMP: two UTF-16 units, neither a digit
		{"2147483647", 2147483647, nil},
		{"-2147483648", -2147483648, nil},
		{"2147483648", 0, ErrRange},
		{"99999999999999999999999", 0, ErrRange},
		{"", 0, ErrSyntax},
		{"+", 0, ErrSyntax},
		{" 2", 0, ErrSyntax},
		{"2 ", 0, ErrSyntax},
		{"2.0", 0, ErrSyntax},
		{"0x2", 0, ErrSyntax},
		{"2_0", 0, ErrSyntax},
		{"two", 0, ErrSyntax},
		{"\n2", 0, ErrSyntax},
	} {
		got, err := Parse(tc.in)
		if got != tc.want || !errors.Is(err, tc.err) || (tc.err == nil) != (err == nil) {
			t.Errorf("Parse(%q) = %d, %v; want %d, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}
