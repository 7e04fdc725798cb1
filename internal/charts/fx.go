package charts

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/big"
	"sort"
	"strings"

	"golang.org/x/text/currency"

	"github.com/lineup/lineup/internal/store"
)

// USD is the currency milestones and records may be converted into.
const USD = "USD"

// notMoney lists ISO 4217 codes that name no currency a ticket is sold in:
// no currency (XXX), testing (XTS), precious metals, IMF and bond-market
// units and fund codes. ParseCurrency refuses them.
var notMoney = map[string]bool{
	"XXX": true, "XTS": true, "XAU": true, "XAG": true, "XPT": true, "XPD": true,
	"XDR": true, "XSU": true, "XUA": true, "XBA": true, "XBB": true, "XBC": true, "XBD": true,
	"CLF": true, "COU": true, "MXV": true, "UYI": true, "UYW": true, "BOV": true,
	"CHE": true, "CHW": true, "USN": true, "USS": true,
}

// ParseCurrency checks that s is an ISO 4217 currency code, written in
// capitals, that money can be counted in, and returns it. The list is the
// one golang.org/x/text/currency carries (from CLDR): every current code and
// the historical ones (DEM, FRF, HRK…), since a box-office run of 1997 was
// counted in the money of 1997. Codes for metals, funds and accounting units
// (XAU, XDR, CLF…) are refused.
func ParseCurrency(s string) (string, error) {
	code := strings.TrimSpace(s)
	if len(code) != 3 {
		return "", fmt.Errorf("currency %q must be a three-letter ISO 4217 code such as CNY or USD", s)
	}
	if up := strings.ToUpper(code); up != code {
		if _, err := currency.ParseISO(up); err == nil {
			return "", fmt.Errorf("currency %q must be written in capitals: %q", s, up)
		}
	}
	if code == "RMB" {
		return "", fmt.Errorf("currency %q is not an ISO 4217 code: renminbi are counted in CNY", s)
	}
	if _, err := currency.ParseISO(code); err != nil || notMoney[code] {
		return "", fmt.Errorf("currency %q is not an ISO 4217 code of money (such as CNY, USD, EUR)", s)
	}
	return code, nil
}

// MinorDigits returns how many digits of minor units the currency has: 2 for
// CNY and USD, 0 for JPY, 3 for BHD. Amounts are stored as integers of
// 10^-MinorDigits units. An unknown code has 2.
func MinorDigits(code string) int {
	u, err := currency.ParseISO(code)
	if err != nil {
		return 2
	}
	scale, _ := currency.Standard.Rounding(u)
	return scale
}

// Money is an amount in minor units of a currency: Money{28000000000, "CNY"}
// is CNY 280,000,000.00.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// String formats m in full with its currency code, grouping thousands:
// "CNY 280,000,000.00", "JPY -1,200", "USD 0.05". Without a currency it
// is the bare number with two decimals.
func (m Money) String() string {
	if m.Currency == "" {
		return formatMinor(m.Amount, 2)
	}
	return m.Currency + " " + formatMinor(m.Amount, MinorDigits(m.Currency))
}

// Short formats m rounded to three significant digits for a label:
// "CNY 280M", "CNY 1.36bn", "USD 41.2K". It is for display only.
func (m Money) Short() string {
	units := new(big.Rat).SetFrac(big.NewInt(m.Amount), pow10(MinorDigits(m.Currency)))
	f, _ := units.Float64()
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	suffix := ""
	for _, s := range []struct {
		div  float64
		name string
	}{{1e9, "bn"}, {1e6, "M"}, {1e3, "K"}} {
		if f >= s.div {
			f /= s.div
			suffix = s.name
			break
		}
	}
	num := fmt.Sprintf("%.3g", f)
	if strings.ContainsAny(num, "e") {
		num = fmt.Sprintf("%.0f", f)
	}
	return m.Currency + " " + sign + num + suffix
}

func formatMinor(amount int64, digits int) string {
	neg := amount < 0
	s := new(big.Int).Abs(big.NewInt(amount)).String()
	for len(s) <= digits {
		s = "0" + s
	}
	whole, frac := s[:len(s)-digits], s[len(s)-digits:]
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if digits > 0 {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// ParseAmount reads a decimal amount in major units ("280000000",
// "-12.50", "1360000000.00") and returns it in minor units of currency
// code. More decimals than the currency has minor digits, thousands
// separators, exponents and amounts beyond ±9·10^16 minor units are refused:
// an import never rounds a figure.
func ParseAmount(s, code string) (int64, error) {
	s = strings.TrimSpace(s)
	digits := MinorDigits(code)
	body, neg := s, false
	if rest, ok := strings.CutPrefix(body, "-"); ok {
		body, neg = rest, true
	} else if rest, ok := strings.CutPrefix(body, "+"); ok {
		body = rest
	}
	whole, frac, hasDot := strings.Cut(body, ".")
	if whole == "" || !allDigits(whole) || (hasDot && (frac == "" || !allDigits(frac))) {
		return 0, fmt.Errorf("amount %q must be a decimal number in major units such as 280000000 or -12.50", s)
	}
	if len(frac) > digits {
		return 0, fmt.Errorf("amount %q has %d decimals but %s has %d", s, len(frac), code, digits)
	}
	frac += strings.Repeat("0", digits-len(frac))
	n, ok := new(big.Int).SetString(whole+frac, 10)
	if !ok || n.Cmp(big.NewInt(maxAmount)) > 0 {
		return 0, fmt.Errorf("amount %q is too large", s)
	}
	v := n.Int64()
	if neg {
		v = -v
	}
	return v, nil
}

// maxAmount bounds an amount in minor units, leaving room to add up a long
// run without overflowing int64.
const maxAmount = 90_000_000_000_000_000

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Rate is how many units of Currency one US dollar bought on Day
// ("YYYY-MM-DD"): Rate{"CNY", "2018-04-28", "6.3331"}. PerUSD is a positive
// decimal string, kept as entered so that nothing is rounded.
type Rate struct {
	Currency string `json:"currency"`
	Day      string `json:"day"`
	PerUSD   string `json:"per_usd"`
	Source   string `json:"source"`
}

// ImportRates reads exchange rates from CSV with the header
// currency,date,per_usd[,source] and stores them, replacing a rate of the
// same currency and date. As with grosses, a file with any bad row stores
// nothing and the *ImportError lists every bad row.
func (b *BoxOffice) ImportRates(ctx context.Context, r io.Reader) (int, error) {
	rates, err := ParseRates(r)
	if err != nil {
		return 0, err
	}
	if err := b.AddRates(ctx, rates); err != nil {
		return 0, err
	}
	return len(rates), nil
}

// ParseRates reads the exchange-rate CSV ImportRates takes, without storing
// anything. Bad input is an *ImportError listing every bad row.
func ParseRates(r io.Reader) ([]Rate, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	ie := &ImportError{}
	cols, err := readHeader(cr, ie, []string{"currency", "date", "per_usd"}, []string{"source"})
	if err != nil {
		return nil, err
	}
	var out []Rate
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			ie.add(row, "", "", "unreadable CSV: "+csvReason(err))
			break
		}
		get := func(c string) string {
			if i, ok := cols[c]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		rt := Rate{Currency: get("currency"), Day: get("date"), PerUSD: get("per_usd"), Source: get("source")}
		if c, err := ParseCurrency(rt.Currency); err != nil {
			ie.add(row, "currency", rt.Currency, err.Error())
		} else {
			rt.Currency = c
		}
		if err := checkDay(rt.Day); err != nil {
			ie.add(row, "date", rt.Day, err.Error())
		}
		if _, err := parseRate(rt.PerUSD); err != nil {
			ie.add(row, "per_usd", rt.PerUSD, err.Error())
		}
		out = append(out, rt)
	}
	if len(ie.Problems) > 0 {
		return nil, ie
	}
	return out, nil
}

func parseRate(s string) (*big.Rat, error) {
	if s == "" || strings.ContainsAny(s, "eE/ ,") {
		return nil, fmt.Errorf("rate %q must be a positive decimal number of units per US dollar, such as 6.3412", s)
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok || r.Sign() <= 0 {
		return nil, fmt.Errorf("rate %q must be a positive decimal number of units per US dollar, such as 6.3412", s)
	}
	return r, nil
}

// AddRates validates and stores rates in one transaction, replacing any rate
// of the same currency and day. Invalid input is an *ImportError (row numbers
// count from 1 for the first rate) and stores nothing.
func (b *BoxOffice) AddRates(ctx context.Context, rates []Rate) error {
	ie := &ImportError{}
	for i, rt := range rates {
		if _, err := ParseCurrency(rt.Currency); err != nil {
			ie.add(i+1, "currency", rt.Currency, err.Error())
		}
		if err := checkDay(rt.Day); err != nil {
			ie.add(i+1, "date", rt.Day, err.Error())
		}
		if _, err := parseRate(rt.PerUSD); err != nil {
			ie.add(i+1, "per_usd", rt.PerUSD, err.Error())
		}
	}
	if len(ie.Problems) > 0 {
		return ie
	}
	err := b.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, rt := range rates {
			if _, err := tx.ExecContext(ctx, `INSERT INTO exchange_rates (currency, day, per_usd, source) VALUES ($1, $2, $3, $4)
ON CONFLICT (currency, day) DO UPDATE SET per_usd = excluded.per_usd, source = excluded.source`,
				rt.Currency, rt.Day, rt.PerUSD, rt.Source); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("charts: add rates: %w", err)
	}
	return nil
}

// Rates is a dated exchange-rate table for one or more currencies, loaded
// once and used to convert many figures. It is safe for concurrent reads.
type Rates struct {
	byCurrency map[string][]datedRate
}

type datedRate struct {
	day    string
	perUSD *big.Rat
}

// NewRates builds a table from rates (already validated, as AddRates stores
// them). Invalid entries are skipped.
func NewRates(rates []Rate) *Rates {
	t := &Rates{byCurrency: map[string][]datedRate{}}
	for _, r := range rates {
		v, err := parseRate(r.PerUSD)
		if err != nil || checkDay(r.Day) != nil {
			continue
		}
		t.byCurrency[r.Currency] = append(t.byCurrency[r.Currency], datedRate{day: r.Day, perUSD: v})
	}
	for _, list := range t.byCurrency {
		sort.Slice(list, func(i, j int) bool { return list[i].day < list[j].day })
	}
	return t
}

// loadRates reads the stored rates of the given currencies.
func loadRates(ctx context.Context, q store.Querier, currencies ...string) (*Rates, error) {
	var all []Rate
	for _, c := range currencies {
		if c == USD {
			continue
		}
		rows, err := q.QueryContext(ctx, `SELECT currency, day, per_usd, source FROM exchange_rates WHERE currency = $1 ORDER BY day`, c)
		if err != nil {
			return nil, fmt.Errorf("load rates: %w", err)
		}
		for rows.Next() {
			var r Rate
			if err := rows.Scan(&r.Currency, &r.Day, &r.PerUSD, &r.Source); err != nil {
				rows.Close()
				return nil, err
			}
			all = append(all, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return NewRates(all), nil
}

// ErrNoRate is returned (wrapped) when a figure cannot be converted because
// no rate for its currency is dated on or before its day.
var ErrNoRate = errors.New("no exchange rate")

// NoRateError says which currency and day lacked a rate. It matches
// ErrNoRate with errors.Is, and tells the caller what to do (Unprocessable):
// the request was fine, the stored data cannot answer it.
type NoRateError struct {
	Currency, Day string
}

func (e *NoRateError) Error() string {
	return fmt.Sprintf("%s on %s: no %s rate dated on or before it: %v", e.Currency, e.Day, e.Currency, ErrNoRate)
}

// Is matches ErrNoRate.
func (e *NoRateError) Is(target error) bool { return target == ErrNoRate }

// Unprocessable says, for people, why the figures cannot be converted and
// how to fix it.
func (e *NoRateError) Unprocessable() string {
	return fmt.Sprintf("no %s exchange rate dated on or before %s is stored, so these figures cannot be shown in US dollars: "+
		"import dated rates with `lineup boxoffice rates FILE` (CSV: currency,date,per_usd,source), or ask without usd=true",
		e.Currency, e.Day)
}

// ToUSD converts an amount in minor units of code, grossed on day, into US
// cents at the rate in force on that day: the latest rate dated on or before
// it. This is the policy of docs/boxoffice.md: each day's gross is converted
// at its own day's rate, and a cumulative in dollars is the sum of the
// converted days, so money earned in 2018 stays worth what it was worth in
// 2018 and a run that has ended does not rise or fall with the currency.
// The result is rounded half away from zero to the cent. A day before the
// first rate is an error wrapping ErrNoRate.
func (t *Rates) ToUSD(amount int64, code, day string) (int64, error) {
	if code == USD {
		return amount, nil
	}
	list := t.byCurrency[code]
	i := sort.Search(len(list), func(i int) bool { return list[i].day > day })
	if i == 0 {
		return 0, &NoRateError{Currency: code, Day: day}
	}
	rate := list[i-1].perUSD
	// amount / 10^digits units ÷ rate units per dollar × 100 cents.
	v := new(big.Rat).SetFrac(new(big.Int).Mul(big.NewInt(amount), big.NewInt(100)), pow10(MinorDigits(code)))
	v.Quo(v, rate)
	return roundRat(v), nil
}

// roundRat rounds half away from zero.
func roundRat(v *big.Rat) int64 {
	num, den := new(big.Int).Set(v.Num()), v.Denom()
	neg := num.Sign() < 0
	num.Abs(num)
	q, r := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(r, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if neg {
		q.Neg(q)
	}
	return q.Int64()
}
