//! Exact amounts: decimals parsed from their source text (never through a
//! float) and checked against the currency's minor units.

use rust_decimal::Decimal;
use std::str::FromStr;

/// A currency's ISO 4217 code and its number of minor digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Currency {
    pub code: iso_currency::Currency,
    /// Digits after the decimal point the currency allows (EUR 2, JPY 0).
    pub minor_digits: u32,
}

impl Currency {
    /// Parses an ISO 4217 code. `Err` is the message of an `invalid-value`.
    pub fn parse(code: &str) -> Result<Currency, String> {
        let currency = iso_currency::Currency::from_code(code)
            .ok_or_else(|| format!("`{code}` is not an ISO 4217 currency code"))?;
        Ok(Currency {
            code: currency,
            minor_digits: u32::from(currency.exponent().unwrap_or(2)),
        })
    }

    pub fn code(&self) -> &'static str {
        self.code.code()
    }
}

/// Why an amount was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum AmountError {
    /// Not a decimal number at all: `invalid-value`.
    Syntax(String),
    /// More decimals than the currency has: `amount-precision`.
    Precision(String),
}

/// Parses a decimal number written as `12000`, `9800.50` or `-3.5`.
/// Thousands separators, exponents and commas are refused.
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let ok = !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && frac.is_empty());
    if !ok {
        return Err(format!("`{text}` is not a number"));
    }
    let value = Decimal::from_str(text).map_err(|_| format!("`{text}` is out of range"))?;
    if value.abs() >= max_number() {
        return Err(format!(
            "`{text}` is too large: numbers stay below one quadrillion (10^15)"
        ));
    }
    Ok(value)
}

/// The bound on every number: far above any real budget or target, and low
/// enough that sums of millions of them never overflow exact decimals.
fn max_number() -> Decimal {
    Decimal::from(1_000_000_000_000_000_i64)
}

/// Parses an amount of money in `currency`: non-negative, with at most the
/// currency's minor digits.
pub fn parse_amount(text: &str, currency: Option<&Currency>) -> Result<Decimal, AmountError> {
    let value = parse_decimal(text).map_err(AmountError::Syntax)?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(AmountError::Syntax(format!(
            "`{text}` is negative: amounts are zero or more"
        )));
    }
    if let Some(c) = currency
        && value.scale() > c.minor_digits
    {
        let allowed = match c.minor_digits {
            0 => "no decimals".to_owned(),
            1 => "1 decimal".to_owned(),
            n => format!("{n} decimals"),
        };
        return Err(AmountError::Precision(format!(
            "`{text}` has {} decimals but {} allows {allowed}",
            value.scale(),
            c.code()
        )));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_decimals() {
        assert_eq!(parse_decimal("9800.50").unwrap().to_string(), "9800.50");
        // Beyond 2^53 a float would lose the cents.
        let big = parse_decimal("123456789012345.67").unwrap();
        assert_eq!(big.to_string(), "123456789012345.67");
        assert_eq!(
            parse_decimal("0.1").unwrap() + parse_decimal("0.2").unwrap(),
            parse_decimal("0.3").unwrap()
        );
        assert!(parse_decimal("79228162514264337593543950335").is_err());
        assert!(parse_decimal("1000000000000000").is_err());
        assert!(parse_decimal("999999999999999.99").is_ok());
        for bad in ["", "1,5", "1e3", "1.", ".5", "12 000", "abc", "--1"] {
            assert!(parse_decimal(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn currency_minor_units() {
        let eur = Currency::parse("EUR").unwrap();
        let jpy = Currency::parse("JPY").unwrap();
        let bhd = Currency::parse("BHD").unwrap();
        assert_eq!((eur.minor_digits, jpy.minor_digits, bhd.minor_digits), (2, 0, 3));
        assert!(Currency::parse("EURO").is_err());
        assert!(Currency::parse("eur").is_err());
        assert!(parse_amount("10.99", Some(&eur)).is_ok());
        assert!(matches!(
            parse_amount("10.999", Some(&eur)),
            Err(AmountError::Precision(_))
        ));
        assert!(matches!(
            parse_amount("10.5", Some(&jpy)),
            Err(AmountError::Precision(_))
        ));
        assert!(parse_amount("10.125", Some(&bhd)).is_ok());
        assert!(matches!(
            parse_amount("-5", Some(&eur)),
            Err(AmountError::Syntax(_))
        ));
    }
}
