import Testing

@testable import Schema

@Suite struct NormalizerTests {
    @Test func textBecomesTheFieldsType() {
        let date = ScalarType(base: .string, format: .date)
        #expect(Normalizer.value(" 14 March 2024 ", as: date) == .date(LocalDate(year: 2024, month: 3, day: 14)!))
        #expect(Normalizer.value("03/04/2024", as: date, dates: .dayFirst) == .date(LocalDate(year: 2024, month: 4, day: 3)!))
        #expect(Normalizer.value("next Tuesday", as: date) == nil)
        #expect(Normalizer.value("GBP 1,234.50", as: ScalarType(base: .number)) == .number(1234.5))
        #expect(Normalizer.value("(1.234,50)", as: ScalarType(base: .number)) == .number(-1234.5))
        #expect(Normalizer.value("12", as: ScalarType(base: .integer)) == .integer(12))
        #expect(Normalizer.value("12.5", as: ScalarType(base: .integer)) == nil)
        #expect(Normalizer.value("Yes", as: ScalarType(base: .boolean)) == .boolean(true))
        #expect(Normalizer.value("  Acme \n GmbH ", as: ScalarType(base: .string)) == .string("Acme GmbH"))
        #expect(Normalizer.value(" \n ", as: ScalarType(base: .string)) == nil)
        #expect(Normalizer.value("2024-03-14T10:30:00+01:00", as: ScalarType(base: .string, format: .dateTime)) == .dateTime("2024-03-14T09:30:00Z"))
    }
}
