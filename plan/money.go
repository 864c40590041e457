package plan

import (
	"fmt"

	"github.com/shopspring/decimal"
)

// Currency is the currency of a catalog's prices: an ISO 4217 code and the
// number of digits of its minor unit (2 for USD and EUR, 0 for JPY).
//
// Every amount the package computes passes through the Currency's rounding,
// the only place where money is rounded: proportional amounts (a proration
// credit, a refund) are rounded toward zero to a whole minor unit, so the
// business never pays out a fraction of a cent and the remainder stays with
// the amount it was split from.
type Currency struct {
	Code  string `json:"code"`
	Minor int32  `json:"minor"`
}

// USD is the United States dollar, used by the default catalog.
var USD = Currency{Code: "USD", Minor: 2}

// Validate reports whether the currency is well formed: a three-letter
// upper-case code and between 0 and 4 minor digits.
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
	return nil
}

// Whole reports whether d is a whole number of minor units (no fraction of a
// cent).
func (c Currency) Whole(d decimal.Decimal) bool {
	return d.Equal(d.Truncate(c.Minor))
}

// Part returns amount * num / den rounded toward zero to a whole minor unit.
// It is exact: no intermediate result is rounded, and no global precision
// setting of the decimal package is read or changed. den must be positive and
// 0 <= num <= den for the result to lie between zero and amount.
func (c Currency) Part(amount decimal.Decimal, num, den int64) decimal.Decimal {
	if den <= 0 || num <= 0 || amount.IsZero() {
		return decimal.Zero
	}
	if num >= den {
		return amount
	}
	q, _ := amount.Mul(decimal.NewFromInt(num)).QuoRem(decimal.NewFromInt(den), c.Minor)
	return q
}

// Format returns the amount with exactly Minor digits and the code, as in
// "468.00 USD".
func (c Currency) Format(d decimal.Decimal) string {
	return d.StringFixed(c.Minor) + " " + c.Code
}
