package safefile

// xattr is an extended attribute: an ACL is system.posix_acl_access, an
// SELinux label security.selinux.
type xattr struct {
	name  string
	value []byte
}

// aclAttr holds a file's POSIX ACL.
const aclAttr = "system.posix_acl_access"

// xattrError is a failure to read, set or remove one extended attribute.
type xattrError struct {
	name, op string
	err      error
}

func (e *xattrError) Error() string {
	return "cannot " + e.op + " the extended attribute " + e.name + ": " + e.err.Error()
}

func (e *xattrError) Unwrap() error { return e.err }
