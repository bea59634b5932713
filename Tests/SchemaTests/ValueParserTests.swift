import Testing

@testable import Schema

@Suite struct ValueParserTests {
    /// An invoice paragraph with dates, amounts, an invoice number and a time, for the mention finders.
    static let invoiceParagraph = """
        Invoice INV-2024-0815 issued on 14 March 2024 (order ref. PO/2024/03/07).
        Service period 01.02.2024-29.02.2024. Payment due by 13/04/2024; late fees apply after April 30th, 2024.
        Total due: $1,234.50 USD (incl. VAT 20%: €205.75). Previously paid: (1,000.00). Call us at 09:30.
        """

    // MARK: Dates

    @Test(
        arguments: [
            ("2024-03-14", "2024-03-14"), ("2024/03/14", "2024-03-14"), ("2024.3.14", "2024-03-14"),
            ("14 March 2024", "2024-03-14"), ("14th March, 2024", "2024-03-14"), ("March 14th, 2024", "2024-03-14"),
            ("Mar. 14, 2024", "2024-03-14"), ("14-Mar-2024", "2024-03-14"), ("14.03.2024", "2024-03-14"),
            ("03/14/2024", "2024-03-14"), ("25/12/2018", "2018-12-25"), ("25/12/18", "2018-12-25"),
            ("12/25/99", "1999-12-25"), ("01/02/70", "1970-01-02"), ("31/12/69", "2069-12-31"), ("14-Mar-24", "2024-03-14"),
            ("the 22nd day of May, 2001", "2001-05-22"), ("22nd day of May 2001", "2001-05-22"),
            ("14th of March 2024", "2024-03-14"), ("MARCH 14, 2024", "2024-03-14"), ("14 mar 2024", "2024-03-14"),
            ("Sept. 5, 2019", "2019-09-05"), ("14MAR2024", "2024-03-14"), ("1st Jan 2000", "2000-01-01"),
            ("  (14 March 2024).  ", "2024-03-14"), ("Date: 14/03/2024", nil), ("Thursday, 14 March 2024", "2024-03-14"),
            ("Mon, Mar 4, 2024", "2024-03-04"), ("14. März 2024", "2024-03-14"), ("1er mars 2024", "2024-03-01"),
            ("14 de marzo de 2024", "2024-03-14"), ("03.04.12", "2012-04-03"), ("3 août 2023", "2023-08-03"), ("2. Dezember 1999", "1999-12-02"),
        ] as [(String, String?)])
    func readsDateFormats(text: String, iso: String?) {
        #expect(ValueParser.date(text)?.iso == iso)
    }

    @Test(arguments: [
        "31/02/2024", "29/02/2023", "2024-02-30", "2024-13-01", "32/01/2024", "00/01/2024", "13/13/2024",
        "14 March", "March 2024", "14 Mar 24", "3.4.12", "14 Smarch 2024", "Invoice 12", "12.5", "1,234.50", "", "  ",
        "hello", "2024-03-14T09:30:00Z", "1/2/3", "12/03/2024/7", "2024-0815", "20240314", "14 March 2024 and 15 March 2024",
    ])
    func rejectsNonDates(text: String) {
        #expect(ValueParser.date(text) == nil)
        #expect(ValueParser.date(text, order: .dayFirst) == nil)
    }

    @Test func ambiguousNumericDatesFollowTheHint() {
        #expect(ValueParser.date("03/04/2024")?.iso == "2024-03-04")
        #expect(ValueParser.date("03/04/2024", order: .monthFirst)?.iso == "2024-03-04")
        #expect(ValueParser.date("03/04/2024", order: .dayFirst)?.iso == "2024-04-03")
        #expect(ValueParser.date("03-04-2024", order: .dayFirst)?.iso == "2024-04-03")
        #expect(ValueParser.date("3/4/24", order: .dayFirst)?.iso == "2024-04-03")
        // A number above 12 overrides the hint in both directions.
        #expect(ValueParser.date("13/04/2024", order: .monthFirst)?.iso == "2024-04-13")
        #expect(ValueParser.date("04/13/2024", order: .dayFirst)?.iso == "2024-04-13")
        // Dots are day first whatever the hint, unless impossible.
        #expect(ValueParser.date("03.04.2024", order: .monthFirst)?.iso == "2024-04-03")
        #expect(ValueParser.date("03.14.2024", order: .monthFirst)?.iso == "2024-03-14")
        // Named months never depend on the hint.
        #expect(ValueParser.date("4 March 2024", order: .monthFirst)?.iso == "2024-03-04")
    }

    @Test func leapDays() {
        #expect(ValueParser.date("29/02/2024") == LocalDate(year: 2024, month: 2, day: 29))
        #expect(ValueParser.date("29/02/2023") == nil)
        #expect(ValueParser.date("29 February 2000")?.iso == "2000-02-29")
        #expect(ValueParser.date("29 February 1900") == nil)
    }

    @Test func findsDateMentionsInAnInvoice() {
        let text = Self.invoiceParagraph
        let mentions = ValueParser.dateMentions(in: text, order: .dayFirst)
        #expect(mentions.map(\.date.iso) == ["2024-03-14", "2024-02-01", "2024-02-29", "2024-04-13", "2024-04-30"])
        #expect(
            mentions.map { String(text[$0.range]) }
                == ["14 March 2024", "01.02.2024", "29.02.2024", "13/04/2024", "April 30th, 2024"])
    }

    @Test func dateMentionsInContractsAndEdgeCases() {
        let contract = "This Agreement is made on the 22nd day of May, 2001 between the parties, effective 1 June 2001."
        let found = ValueParser.dateMentions(in: contract)
        #expect(found.map { String(contract[$0.range]) } == ["the 22nd day of May, 2001", "1 June 2001"])
        #expect(found.map(\.date.iso) == ["2001-05-22", "2001-06-01"])

        // The hint decides ambiguous mentions.
        #expect(ValueParser.dateMentions(in: "on 03/04/2024.", order: .monthFirst).map(\.date.iso) == ["2024-03-04"])
        #expect(ValueParser.dateMentions(in: "on 03/04/2024.", order: .dayFirst).map(\.date.iso) == ["2024-04-03"])
        // Identifiers and numbers glued to letters are not dates; an ISO date-time's date is.
        #expect(ValueParser.dateMentions(in: "Ref 2024-03-14-001, file A12/03/2024, id 2024-03-14x").isEmpty)
        #expect(ValueParser.dateMentions(in: "at 2024-03-14T09:30:00Z").map(\.date.iso) == ["2024-03-14"])
        // Invalid dates are skipped.
        #expect(ValueParser.dateMentions(in: "31/02/2024 or 28/02/2024").map(\.date.iso) == ["2024-02-28"])
        let weekday = "Due Friday, 15 March 2024."
        #expect(ValueParser.dateMentions(in: weekday).map { String(weekday[$0.range]) } == ["Friday, 15 March 2024"])
        #expect(ValueParser.dateMentions(in: "no dates here: 12 apples, 14 March, 3.5").isEmpty)
        // A day range ends on a date; a dotted clause number is not one, a padded short date is.
        #expect(ValueParser.dateMentions(in: "held 1-3 March 2024").map(\.date.iso) == ["2024-03-03"])
        #expect(ValueParser.dateMentions(in: "see section 3.4.12, signed 14.03.24").map(\.date.iso) == ["2024-03-14"])
    }

    @Test func dateMentionsReadTheSameAsDate() {
        let text = "Signed 2 Dec. 2019; shipped Dec 3, 2019; paid 04-12-2019; closed 2019/12/05 and 6th December, 2019."
        for mention in ValueParser.dateMentions(in: text, order: .dayFirst) {
            #expect(ValueParser.date(String(text[mention.range]), order: .dayFirst) == mention.date)
        }
        #expect(ValueParser.dateMentions(in: text, order: .dayFirst).map(\.date.day) == [2, 3, 4, 5, 6])
    }

    // MARK: Numbers

    @Test(
        arguments: [
            ("1234", 1234), ("1,234.50", 1234.5), ("1.234,50", 1234.5), ("1.234", 1234), ("1,234", 1234),
            ("1.234,5", 1234.5), ("12,5", 12.5), ("1,23", 1.23), ("0.125", 0.125), ("0,500", 0.5), ("1234.567", 1234.567),
            ("1 234,50", 1234.5), ("1\u{00A0}234,50", 1234.5), ("1\u{202F}234\u{202F}567", 1_234_567),
            ("1\u{2009}234.5", 1234.5), ("1'234.50", 1234.5), ("1.234.567", 1_234_567), ("1,234,567.89", 1_234_567.89),
            ("1.234.567,89", 1_234_567.89), ("12,34,567.50", 1_234_567.5), ("1 234,567", 1234.567),
            ("(1,234)", -1234), ("(1,234.00)", -1234), ("-1,234", -1234), ("−12", -12), ("+12", 12), ("1234-", -1234),
            ("$1,234.50", 1234.5), ("€ 99,90", 99.9), ("99,90 €", 99.9), ("GBP 1,234.50", 1234.5), ("RM12.50", 12.5),
            ("-$12", -12), ("$-12", -12), ("($1,234.00)", -1234), ("$2.0bn", 2e9), ("$3.5m", 3.5e6), ("$3.5M", 3.5e6),
            ("1.2 million", 1.2e6), ("12k", 12000), ("1,5 Mio. EUR", 1.5e6), ("3 lakh", 3e5), ("2.5 billion USD", 2.5e9),
            ("12.5%", 12.5), ("12,5 %", 12.5), ("  42  ", 42), ("007", 7), ("0", 0),
        ] as [(String, Double)])
    func readsNumbers(text: String, value: Double) {
        #expect(ValueParser.number(text) == value)
    }

    @Test(arguments: [
        "Invoice 12", "12 apples", "12kg", "1e5", "", "abc", "$", "-", "12,34,5", "1.2.3", "12 5", "1.234.56",
        "0.500.000", "1,234.5,6", "1.234,567.8", "12 m", "€12%", "12.", ".", "--12", "(12", "12)", "12 USDX",
        "usd 12", "1 234.567 890", "12/34", "2024-03-14", "€12 USD", "v2",
    ])
    func rejectsNonNumbers(text: String) {
        #expect(ValueParser.number(text) == nil)
    }

    @Test(
        arguments: [
            ("$12", 12, nil), ("US$12", 12, "USD"), ("USD 1,234.50", 1234.5, "USD"), ("€ 99,90", 99.9, "EUR"),
            ("GBP 1,234.50", 1234.5, "GBP"), ("£7", 7, "GBP"), ("RM 1,200.00", 1200, "MYR"), ("¥1,000", 1000, nil),
            ("1,000 JPY", 1000, "JPY"), ("$1,234.50 USD", 1234.5, "USD"), ("CHF 1'250.00", 1250, "CHF"),
            ("₹1,23,456", 123_456, "INR"), ("Rs. 500", 500, nil), ("HK$ 88", 88, "HKD"), ("12", 12, nil),
            ("(€1.234,00)", -1234, "EUR"), ("$2.0bn", 2e9, nil), ("3.5m USD", 3.5e6, "USD"), ("250 kr", 250, nil),
        ] as [(String, Double, String?)])
    func readsMoney(text: String, amount: Double, currency: String?) {
        let money = ValueParser.money(text)
        #expect(money?.amount == amount)
        #expect(money?.currency == currency)
    }

    @Test func moneyRejectsPercentagesAndConflictingCurrencies() {
        #expect(ValueParser.money("12.5%") == nil)
        #expect(ValueParser.money("€12 USD") == nil)
        #expect(ValueParser.money("12 apples") == nil)
        #expect(ValueParser.money("$") == nil)
    }

    @Test func integers() {
        #expect(ValueParser.integer("1,234") == 1234)
        #expect(ValueParser.integer("12.00") == 12)
        #expect(ValueParser.integer("(1,234)") == -1234)
        #expect(ValueParser.integer("12k") == 12000)
        #expect(ValueParser.integer("$2.0bn") == 2_000_000_000)
        #expect(ValueParser.integer("1.5k") == 1500)
        #expect(ValueParser.integer("9,223,372,036,854,775,807") == Int64.max)
        #expect(ValueParser.integer("9,223,372,036,854,775,808") == nil)
        #expect(ValueParser.integer("12.5") == nil)
        #expect(ValueParser.integer("1.2345k") == nil)
        #expect(ValueParser.integer("abc") == nil)
        #expect(ValueParser.integer("12 apples") == nil)
    }

    @Test func findsAmountsInAnInvoice() {
        let text = Self.invoiceParagraph
        let mentions = ValueParser.numberMentions(in: text)
        #expect(mentions.map { String(text[$0.range]) } == ["$1,234.50 USD", "20%", "€205.75", "(1,000.00)"])
        #expect(mentions.map(\.value) == [1234.5, 20, 205.75, -1000])
        #expect(mentions.map(\.currency) == ["USD", nil, "EUR", nil])
    }

    @Test func numberMentionsSkipIdentifiersAndSplitPlainSpaces() {
        func values(_ text: String) -> [Double] { ValueParser.numberMentions(in: text).map(\.value) }
        #expect(values("Order #12345, v1.2.3, item A-12, 12kg, 2nd, Q3, 192.168.1.1 and 555-1234") == [])
        #expect(values("Widget 3 100.00 300.00") == [3, 100, 300])
        #expect(values("Widget 3 100,00 300,00") == [3, 100, 300])
        #expect(values("Total 1 234,56 EUR, 12 345 items") == [1234.56, 12, 345])
        #expect(values("Montant : 12 000 € pour 3 100 pièces") == [12000, 3, 100])
        #expect(values("12 apples and 7 pears") == [12, 7])
        #expect(values("Revenue of $2.0bn, up from 1.2 million; margin 12,5%.") == [2e9, 1.2e6, 12.5])
        #expect(values("Net\u{00A0}1\u{00A0}234,50\u{00A0}€ and -42 and 5 - 3") == [1234.5, -42, 5, 3])
        #expect(values("Total:12.50 then 1,234 then 1,2,3") == [12.5, 1234])
        #expect(values("RM 45.00 or (12) or (see 7)") == [45, -12, 7])
        #expect(ValueParser.numberMentions(in: "Pay € 99,90\nby card").first?.currency == "EUR")
        #expect(ValueParser.numberMentions(in: "Pay EUR\n99,90").map(\.currency) == [nil])
    }

    @Test func numberMentionsReadTheSameAsNumber() {
        let text = "Fees: £1,250.00, 1.234,50 EUR, ($75.20), 3.5m, 40% and USD 9 on 2 May 2024."
        let mentions = ValueParser.numberMentions(in: text)
        #expect(mentions.count == 6)
        for mention in mentions {
            #expect(ValueParser.number(String(text[mention.range])) == mention.value)
            #expect(ValueParser.money(String(text[mention.range]))?.currency == mention.currency)
        }
    }

    // MARK: Booleans and date-times

    @Test func booleans() {
        for yes in ["yes", "YES", "Yes.", "y", "true", "True", "x", "X", "1", "✓", "✔", "☑", "☒", "checked", "[x]", "(X)", "ja", "oui"] {
            #expect(ValueParser.boolean(yes) == true, "\(yes)")
        }
        for no in ["no", "No", "N", "false", "0", "unchecked", "☐", "[ ]", "[]", "( )", "nein", "non"] {
            #expect(ValueParser.boolean(no) == false, "\(no)")
        }
        for neither in ["", " ", "maybe", "✗", "-", "yes no", "2", "[?]", "nope"] {
            #expect(ValueParser.boolean(neither) == nil, "\(neither)")
        }
    }

    @Test(arguments: [
        ("2024-03-14T09:30:00Z", "2024-03-14T09:30:00Z"), ("2024-03-14T09:30:00+01:00", "2024-03-14T08:30:00Z"),
        ("2024-03-14T00:30:00+02:00", "2024-03-13T22:30:00Z"), ("2024-12-31T23:30:00-01:00", "2025-01-01T00:30:00Z"),
        ("2024-02-28T23:00:00-02:00", "2024-02-29T01:00:00Z"), ("2023-02-28T23:00:00-02:00", "2023-03-01T01:00:00Z"),
        ("2024-03-14 09:30Z", "2024-03-14T09:30:00Z"), ("2024-03-14t09:30:00z", "2024-03-14T09:30:00Z"),
        ("2024-03-14T09:30:00.123+0530", "2024-03-14T04:00:00Z"), ("2024-03-14T09:30:00+05", "2024-03-14T04:30:00Z"),
        ("1970-01-01T00:30:00+01:00", "1969-12-31T23:30:00Z"), (" 2024-03-14T09:30:59.999999Z ", "2024-03-14T09:30:59Z"),
    ])
    func normalisesDateTimesToUTC(text: String, utc: String) {
        #expect(ValueParser.dateTime(text) == utc)
    }

    @Test(arguments: [
        "2024-03-14", "2024-03-14T09:30:00", "2024-02-30T09:30:00Z", "2024-03-14T24:00:00Z", "2024-03-14T09:60Z",
        "14/03/2024 09:30Z", "2024-03-14T09:30:00+01:00 extra", "2024-03-14T09:30:00.Z", "2024-03-14T9:30Z",
        "2024-03-14T09:30:00+1", "", "yesterday",
    ])
    func rejectsNonDateTimes(text: String) {
        #expect(ValueParser.dateTime(text) == nil)
    }

    @Test func civilDatesRoundTripDayNumbers() {
        for dayNumber in stride(from: -700_000, through: 2_000_000, by: 997) {
            #expect(LocalDate(dayNumber: dayNumber)?.dayNumber == dayNumber)
        }
        #expect(LocalDate(dayNumber: 0)?.iso == "1970-01-01")
    }
}

@Suite struct DurationTests {
    @Test(arguments: [
        ("3 years", 3.0, "year"), ("three (3) years", 3, "year"), ("thirty-six (36) months", 36, "month"),
        ("thirty six months", 36, "month"), ("90 calendar days", 90, "day"), ("one-year", 1, "year"),
        ("Two Years", 2, "year"), ("a year", 1, "year"), ("18 months.", 18, "month"), ("twenty-four months", 24, "month"),
    ])
    func reads(text: String, amount: Double, unit: String) {
        let d = ValueParser.duration(text)
        #expect(d?.amount == amount && d?.unit == unit, "\(text)")
    }

    @Test(arguments: ["years", "3", "three apples", "the term of this agreement", "3 years and 2 months", "seventy-twelve days"])
    func refuses(text: String) {
        #expect(ValueParser.duration(text) == nil, "\(text)")
    }
}
