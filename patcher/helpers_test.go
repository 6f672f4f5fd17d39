package patcher_test

import "github.com/apim-offset/apim-offset/patcher"

// format is opt's Format, Auto for nil.
func format(opt *patcher.Options) patcher.Format {
	if opt == nil {
		return patcher.Auto
	}
	return opt.Format
}

// offsetOf parses src and reads its offset.
func offsetOf(src []byte, opt *patcher.Options) (patcher.Current, error) {
	f, err := patcher.Parse(src, format(opt))
	if err != nil {
		return patcher.Current{}, err
	}
	return f.Offset()
}

// literalPorts parses src and lists its literal ports.
func literalPorts(src []byte, defaults []int, offset int, opt *patcher.Options) ([]patcher.LiteralPort, error) {
	f, err := patcher.Parse(src, format(opt))
	if err != nil {
		return nil, err
	}
	return f.Literals(defaults, offset, opt), nil
}
