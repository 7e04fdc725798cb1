package rights

import "fmt"

// FieldError says that one field of a license, or of a question put to the
// Service, is not acceptable. Its message is written for the person who
// typed the value: the web layer shows it as it is (HTTP 400, naming the
// field), so it never carries internal detail.
type FieldError struct {
	// Field is the field's JSON name, such as "territories", "end" or
	// "holdbacks[0].until".
	Field string
	// Value is the offending value as entered ("XX", "2018-06-01"); it may
	// be empty when the value is missing.
	Value string
	// Reason says what is wrong and how to put it right.
	Reason string
}

// Error returns the field's name followed by the reason.
func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// InvalidField returns the field, the offending value and the reason. Any
// error with this method is a client's mistake (HTTP 400).
func (e *FieldError) InvalidField() (field, value, reason string) {
	return e.Field, e.Value, e.Reason
}

// BatchError says which entry of a batch (AddAll, Import) was refused; Err
// is that entry's *FieldError or *ConflictError, reachable with errors.As
// (so a batch's validation failure still maps to HTTP 400, its conflict to
// 409). Nothing of the batch was stored.
type BatchError struct {
	// Entry is the 1-based position of the refused license in the batch.
	Entry int
	Err   error
}

// Error names the entry and its error.
func (e *BatchError) Error() string {
	return fmt.Sprintf("rights: batch entry %d: %v", e.Entry, e.Err)
}

// Unwrap returns the entry's error.
func (e *BatchError) Unwrap() error { return e.Err }
