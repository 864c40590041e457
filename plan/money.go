package plan

import (
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/tenancykit/tenancy"
)

// Currency is the currency of a catalog's prices: an ISO 4217 code and the
// number of digits of its minor unit (2 for USD and EUR, 0 for JPY), which
// must be the one MinorUnits gives for the code.
//
// Every amount the package computes passes through the Currency's rounding
// (Share), the only place where money is rounded: proportional amounts (a
// proration credit or charge, a refund) are rounded to a whole minor unit
// as the policy's Rounding says, by default toward zero, so the business
// never pays out a fraction of a cent and the remainder stays with the
// amount it was split from.
type Currency struct {
	Code  string `json:"code"`
	Minor int32  `json:"minor"`
}

// USD is the United States dollar, used by the default catalog.
var USD = Currency{Code: "USD", Minor: 2}

// minorUnits are the ISO 4217 currencies whose minor unit is not two
// digits. It is read, never written.
var minorUnits = map[string]int32{
	// No minor unit.
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0,
	"PYG": 0, "RWF": 0, "UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	// Thousandths.
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	// Ten-thousandths (units of account).
	"CLF": 4, "UYW": 4,
}

// MinorUnits returns the number of digits of the minor unit of the currency
// with ISO 4217 code code: 0 for the currencies without one (JPY, KRW, CLP,
// VND, ISK, XAF, ...), 3 for those counted in thousandths (BHD, IQD, JOD,
// KWD, LYD, OMR, TND), 4 for the units of account CLF and UYW, and 2 for
// every other code, ISO's or not (USD, EUR, GBP, CHF, ...).
func MinorUnits(code string) int32 {
	if m, ok := minorUnits[code]; ok {
		return m
	}
	return 2
}

// NewCurrency returns the currency with ISO 4217 code code and the minor
// unit MinorUnits gives it, or the error of Currency.Validate.
func NewCurrency(code string) (Currency, error) {
	c := Currency{Code: code, Minor: MinorUnits(code)}
	if err := c.Validate(); err != nil {
		return Currency{}, err
	}
	return c, nil
}

// Validate reports whether the currency is well formed: a three-letter
// upper-case code and the minor digits MinorUnits gives for it (PLAN-06:
// money is counted in the currency's own minor unit, so a catalog cannot
// price USD in thousandths and accept 2390.401 USD).
func (c Currency) Validate() error {
	if len(c.Code) != 3 {
		return fmt.Errorf("currency code %q is not three letters", c.Code)
	}
	for _, r := range c.Code {
		if r < 'A' || r > 'Z' {
			return fmt.Errorf("currency code %q is not three upper-case letters", c.Code)
		}
	}
	if c.Minor < 0 || c.Minor > 4 {
		return fmt.Errorf("currency %s: %d minor digits is outside 0 to 4", c.Code, c.Minor)
	}
	if want := MinorUnits(c.Code); c.Minor != want {
		return fmt.Errorf("currency %s has %d minor digits, not %d", c.Code, want, c.Minor)
	}
	return nil
}

// Whole reports whether d is a whole number of minor units (no fraction of a
// cent). An amount outside the package's range (see MaxAmountDigits), or
// a currency with more than 4 or fewer than 0 minor digits, makes it answer
// false without computing with the amount.
func (c Currency) Whole(d decimal.Decimal) bool {
	return c.Minor >= 0 && c.Minor <= maxMinorDigits && inRange(d) && d.Equal(d.Truncate(c.Minor))
}

// The bounds of the amounts the package keeps.
const (
	// MaxAmountDigits bounds every amount: a price, an amount a command
	// carries, a balance (Credit, TelephonyCredits) and every amount of a
	// stored subscription is less than 10^MaxAmountDigits currency units
	// (a quintillion), in absolute value. A command that carries a larger
	// amount, or whose result would hold one, is refused with
	// tenancy.ErrInvalid; such a stored state is corrupt.
	MaxAmountDigits = 18
	// MaxDecimalChars is the longest text of a decimal the package reads:
	// decoding a subscription or a catalog, and ParseAmount, refuse a
	// longer one before parsing it (parsing costs the square of the digits,
	// so a million-digit "paid" would take seconds). An amount below
	// 10^MaxAmountDigits with four minor digits and a sign needs 24.
	MaxDecimalChars = 40
	// maxMinorDigits is the most minor digits a Currency may have.
	maxMinorDigits = 4
)

// maxAmount is 10^MaxAmountDigits. It is read, never written.
var maxAmount = decimal.New(1, MaxAmountDigits)

// inRange reports whether d can be computed with cheaply and lies within
// the package's bounds: its exponent and coefficient are no larger than a
// decimal of MaxDecimalChars digits has, and |d| < 10^MaxAmountDigits. The
// first test comes first: comparing or truncating 1e-999999999 would
// compute 10^999999999.
func inRange(d decimal.Decimal) bool {
	if d.IsZero() {
		return true
	}
	exp := d.Exponent()
	if exp < -MaxDecimalChars || exp > MaxAmountDigits {
		return false
	}
	// 10^MaxDecimalChars < 2^133.
	if d.Coefficient().BitLen() > 133 {
		return false
	}
	return d.Abs().LessThan(maxAmount)
}

// ParseAmount reads a decimal written the way the package writes one: an
// optional minus sign, digits, and optionally a point and more digits, at
// most MaxDecimalChars characters in all, and less than 10^MaxAmountDigits.
// Anything else (an exponent, a plus sign, a leading point, spaces, a
// longer text) is refused with tenancy.ErrInvalid before any digit is
// converted, so the cost is linear in the length of text.
func ParseAmount(text string) (decimal.Decimal, error) {
	if len(text) > MaxDecimalChars {
		return decimal.Zero, tenancy.Refuse("", tenancy.ErrInvalid, "a decimal of %d characters is longer than %d", len(text), MaxDecimalChars)
	}
	if !plainDecimal(text) {
		return decimal.Zero, tenancy.Refuse("", tenancy.ErrInvalid, "%q is not a decimal in plain notation (digits, an optional sign and point)", text)
	}
	d, err := decimal.NewFromString(text)
	if err != nil {
		return decimal.Zero, tenancy.Refuse("", tenancy.ErrInvalid, "%q: %v", text, err)
	}
	if !inRange(d) {
		return decimal.Zero, tenancy.Refuse("", tenancy.ErrInvalid, "%s is not less than 10^%d", text, MaxAmountDigits)
	}
	return d, nil
}

// plainDecimal reports whether s is -?[0-9]+(\.[0-9]+)?.
func plainDecimal(s string) bool {
	if s != "" && s[0] == '-' {
		s = s[1:]
	}
	digits := func() int {
		n := 0
		for n < len(s) && s[n] >= '0' && s[n] <= '9' {
			n++
		}
		s = s[n:]
		return n
	}
	if digits() == 0 {
		return false
	}
	if s == "" {
		return true
	}
	if s[0] != '.' {
		return false
	}
	s = s[1:]
	return digits() > 0 && s == ""
}

// decimalJSON is a decimal that JSON decodes through ParseAmount, so that
// no text longer than MaxDecimalChars is parsed. It encodes exactly as
// decimal.Decimal does.
type decimalJSON decimal.Decimal

// MarshalJSON encodes the decimal as decimal.Decimal does: its String,
// quoted.
func (d decimalJSON) MarshalJSON() ([]byte, error) { return decimal.Decimal(d).MarshalJSON() }

// IsZero reports whether the decimal is zero, for omitzero.
func (d decimalJSON) IsZero() bool { return decimal.Decimal(d).IsZero() }

// UnmarshalJSON decodes a quoted or bare decimal with ParseAmount; null
// leaves it as it was, as decimal.Decimal does.
func (d *decimalJSON) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" {
		return nil
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	v, err := ParseAmount(s)
	if err != nil {
		return err
	}
	*d = decimalJSON(v)
	return nil
}

// Part returns amount * num / den rounded toward zero to a whole minor
// unit: Share with RoundDown.
func (c Currency) Part(amount decimal.Decimal, num, den int64) decimal.Decimal {
	return c.Share(amount, num, den, RoundDown)
}

// Share returns amount * num / den rounded to a whole minor unit as r
// says. It is the one place where the package rounds money. It is exact:
// no intermediate result is rounded, and no global precision setting of
// the decimal package is read or changed. den must be positive and
// 0 <= num <= den for the result to lie between zero and amount; with
// amount a whole number of minor units, no rounding mode takes it past
// amount.
func (c Currency) Share(amount decimal.Decimal, num, den int64, r Rounding) decimal.Decimal {
	if den <= 0 || num <= 0 || amount.IsZero() {
		return decimal.Zero
	}
	if num >= den {
		return amount
	}
	d := decimal.NewFromInt(den)
	q, rem := amount.Mul(decimal.NewFromInt(num)).QuoRem(d, c.Minor)
	if r == RoundDown || rem.IsZero() {
		return q
	}
	// rem / (den × unit) is the fraction of a minor unit that was cut:
	// compare twice the remainder with den × unit.
	unit := decimal.New(1, -c.Minor)
	switch rem.Abs().Mul(decimal.NewFromInt(2)).Cmp(d.Mul(unit)) {
	case 1:
	case 0:
		if r == RoundHalfEven && q.Shift(c.Minor).BigInt().Bit(0) == 0 {
			return q
		}
	default:
		return q
	}
	if amount.IsNegative() {
		return decimal.Max(q.Sub(unit), amount)
	}
	return decimal.Min(q.Add(unit), amount)
}

// Format returns the amount with exactly Minor digits and the code, as in
// "468.00 USD".
func (c Currency) Format(d decimal.Decimal) string {
	return d.StringFixed(c.Minor) + " " + c.Code
}
