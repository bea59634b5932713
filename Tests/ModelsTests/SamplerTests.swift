import Foundation
import Testing

@testable import Models

/// Token choice: greedy, seeded sampling, top-k / top-p cuts, constraint masks and log-probabilities.
struct SamplerTests {
    let logits: [Float] = [1.0, 3.0, 2.0, -1.0, 0.5]

    @Test func greedyTakesTheLargestLogitAndReportsItsLogProbability() throws {
        var sampler = Sampler(.greedy)
        let next = sampler.next(logits)
        let (token, logP) = try #require(next)
        #expect(token == 1)
        let normaliser = log(logits.map { exp(Double($0)) }.reduce(0, +))
        #expect(abs(logP - (3.0 - normaliser)) < 1e-9)
    }

    @Test func aMaskRenormalisesOverTheAllowedTokens() throws {
        var sampler = Sampler(.greedy)
        let next = sampler.next(logits, allowed: [true, false, true, false, false])
        let (token, logP) = try #require(next)
        #expect(token == 2)
        #expect(abs(logP - (2.0 - log(exp(1.0) + exp(2.0)))) < 1e-9)
        #expect(sampler.next(logits, allowed: [false, false, false, false, false]) == nil)
    }

    @Test func seededSamplingRepeatsAndFollowsTheDistribution() {
        func draws(_ seed: UInt64) -> [Int] {
            var sampler = Sampler(SamplingOptions(temperature: 1, topK: 0, topP: 1, seed: seed))
            return (0..<4000).map { _ in sampler.next(logits)!.token }
        }
        let a = draws(7)
        #expect(a == draws(7))
        #expect(a != draws(8))
        let total = logits.map { exp(Double($0)) }.reduce(0, +)
        for token in logits.indices {
            let expected = exp(Double(logits[token])) / total
            let seen = Double(a.filter { $0 == token }.count) / Double(a.count)
            #expect(abs(seen - expected) < 0.03, "token \(token): \(seen) vs \(expected)")
        }
    }

    @Test func topKAndTopPCutTheTail() {
        var topK = Sampler(SamplingOptions(temperature: 1, topK: 2, topP: 1, seed: 1))
        #expect(Set((0..<500).map { _ in topK.next(logits)!.token }) == [1, 2])
        // p(1) ≈ 0.63, p(2) ≈ 0.23: a top-p of 0.5 keeps only token 1.
        var topP = Sampler(SamplingOptions(temperature: 1, topK: 0, topP: 0.5, seed: 1))
        #expect(Set((0..<200).map { _ in topP.next(logits)!.token }) == [1])
    }

    @Test func largestSelectsInOrder() {
        let values: [Float] = (0..<1000).map { Float(($0 * 7919) % 1000) }
        let top = Sampler.largest(5, of: Array(values.indices), by: values)
        #expect(top.map { values[$0] } == [999, 998, 997, 996, 995])
    }
}
