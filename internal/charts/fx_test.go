package charts

import (
	"errors"
	"strings"
	"testing"
)

func TestParseAmount(t *testing.T) {
	cases := []struct {
		rule, in, currency string
		want               int64
		err                string
	}{
		{"whole units become minor units", "280000000", "CNY", 28000000000, ""},
		{"decimals up to the currency's digits", "46.5", "CNY", 4650, ""},
		{"a refund is negative", "-12.50", "USD", -1250, ""},
		{"a currency without minor units takes no decimals", "1200", "JPY", 1200, ""},
		{"no more decimals than the currency has", "1.005", "USD", 0, "decimals"},
		{"yen have no decimals", "1.5", "JPY", 0, "decimals"},
		{"no thousands separators", "1,000", "USD", 0, "decimal number"},
		{"no exponents", "1e6", "USD", 0, "decimal number"},
		{"not empty", "", "USD", 0, "decimal number"},
		{"not too large", "99999999999999999999", "USD", 0, "too large"},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			got, err := ParseAmount(c.in, c.currency)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("%s: ParseAmount(%q) = %d, %v; want an error about %q", c.rule, c.in, got, err, c.err)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("%s: ParseAmount(%q) = %d, %v; want %d", c.rule, c.in, got, err, c.want)
			}
		})
	}
}

func TestParseCurrency(t *testing.T) {
	cases := []struct {
		rule, in string
		ok       bool
		err      string
	}{
		{"a current ISO 4217 code", "CNY", true, ""},
		{"a historical code a 1990s run was counted in", "DEM", true, ""},
		{"capitals only", "cny", false, "capitals"},
		{"RMB is not a code: renminbi are CNY", "RMB", false, "CNY"},
		{"not a code", "ABC", false, "ISO 4217"},
		{"three letters", "RMB1", false, "three-letter"},
		{"gold is not money at the box office", "XAU", false, "ISO 4217"},
	}
	for _, c := range cases {
		t.Run(c.rule, func(t *testing.T) {
			_, err := ParseCurrency(c.in)
			if c.ok != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.err)) {
				t.Fatalf("%s: ParseCurrency(%q) = %v", c.rule, c.in, err)
			}
		})
	}
}

func TestMoneyFormat(t *testing.T) {
	cases := []struct {
		m           Money
		full, short string
	}{
		{Money{28000000000, "CNY"}, "CNY 280,000,000.00", "CNY 280M"},
		{Money{136000000000, "CNY"}, "CNY 1,360,000,000.00", "CNY 1.36bn"},
		{Money{-1250, "USD"}, "USD -12.50", "USD -12.5"},
		{Money{1200, "JPY"}, "JPY 1,200", "JPY 1.2K"},
		{Money{5, "USD"}, "USD 0.05", "USD 0.05"},
	}
	for _, c := range cases {
		if got := c.m.String(); got != c.full {
			t.Errorf("Money.String: %q, want %q", got, c.full)
		}
		if got := c.m.Short(); got != c.short {
			t.Errorf("Money.Short: %q, want %q", got, c.short)
		}
	}
}

func TestToUSDUsesEachDaysRate(t *testing.T) {
	rates := NewRates([]Rate{{Currency: "CNY", Day: "2018-04-01", PerUSD: "6.25"}, {Currency: "CNY", Day: "2018-05-01", PerUSD: "6.4"}})
	cases := []struct {
		rule string
		day  string
		cny  int64
		usd  int64
	}{
		{"a day takes the latest rate dated on or before it", "2018-04-28", 625_00, 100_00},
		{"a rate counts from its own day", "2018-05-01", 640_00, 100_00},
		{"a refund converts too", "2018-05-02", -64_00, -10_00},
		{"half a cent rounds away from zero", "2018-04-28", 3_13, 50}, // 3.13 / 6.25 = 0.5008
	}
	for _, c := range cases {
		got, err := rates.ToUSD(c.cny, "CNY", c.day)
		if err != nil || got != c.usd {
			t.Errorf("%s: ToUSD(%d CNY fen on %s) = %d, %v; want %d cents", c.rule, c.cny, c.day, got, err, c.usd)
		}
	}
	if _, err := rates.ToUSD(100, "CNY", "2018-03-31"); !errors.Is(err, ErrNoRate) {
		t.Errorf("a day before the first rate must be ErrNoRate, got %v", err)
	}
}

func TestRoundThresholds(t *testing.T) {
	got := RoundThresholds(136000000000, "CNY", 3)
	if len(got) != 2 || got[0] != 50000000000 || got[1] != 100000000000 {
		t.Errorf("round thresholds under CNY 1.36bn, at most 3: got %v, want 500M and 1bn", got)
	}
}
