package avails

import (
	"context"
	"errors"
)

// changeLicenses amends and withdraws the stored licenses whose avails the
// sheet changed or withdrew.
func (im *Importer) changeLicenses(ctx context.Context, p *plan, o ImportOptions, filename string) error {
	return errors.New("avails: this sheet changes or withdraws licenses already stored, which needs the license lifecycle")
}
