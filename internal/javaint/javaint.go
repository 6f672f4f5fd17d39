// Package javaint reads a number as Java's Integer.parseInt(s) does in base
// 10, the way every WSO2 server reads its port offset: config-mapper renders
// server.offset into carbon.xml (wso2/carbon-kernel carbon.xml.j2:
// <Offset>{{server.offset}}</Offset>), and CarbonUtils.getPortFromServerConfig
// reads it back, as it reads a -DportOffset system property, with
// Integer.parseInt (wso2/carbon-kernel
// core/org.wso2.carbon.utils/src/main/java/org/wso2/carbon/utils/CarbonUtils.java).
//
// It is the one reading of such a number in apim-offset: the patcher, the
// WSO2 parser check and the overrides all call it, so that they agree on
// every spelling.
package javaint

import (
	"errors"
	"math"
	"unicode"
	"unicode/utf8"
)

// The errors Parse returns: both are a NumberFormatException in Java.
var (
	ErrSyntax = errors.New("not a whole number")
	ErrRange  = errors.New("beyond the whole numbers WSO2 reads (-2147483648 to 2147483647)")
)

// Parse is Java's Integer.parseInt(s) in base 10: an optional '+' or '-',
// then at least one digit, nothing else (no blanks), within 32 bits. Like
// Java (Character.digit), it takes any Unicode decimal digit of the Basic
// Multilingual Plane, such as the fullwidth '２'. A string of digits beyond
// 32 bits is ErrRange; anything else that is not a number is ErrSyntax.
func Parse(s string) (int, error) {
	if s == "" {
		return 0, ErrSyntax
	}
	neg := false
	if s[0] == '+' || s[0] == '-' {
		neg = s[0] == '-'
		s = s[1:]
		if s == "" {
			return 0, ErrSyntax
		}
	}
	var n int64
	big := false
	for _, r := range s {
		d, ok := digit(r)
		if !ok {
			return 0, ErrSyntax
		}
		if !big {
			n = n*10 + int64(d)
			big = n > math.MaxInt32+1
		}
	}
	if neg {
		n = -n
	}
	if big || n < math.MinInt32 || n > math.MaxInt32 {
		return 0, ErrRange
	}
	return int(n), nil
}

// digit is Java's Character.digit(ch, 10) for one UTF-16 unit: a decimal
// digit of Unicode's Nd category, whose digits come in runs from 0 to 9
// (Unicode assigns Numeric_Type=Decimal only in such runs).
func digit(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if r == utf8.RuneError || r > 0xFFFF || !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	// Runs of ten may follow each other: count back to the first.
	start := r
	for unicode.Is(unicode.Nd, start-1) {
		start--
	}
	return int((r - start) % 10), true
}
