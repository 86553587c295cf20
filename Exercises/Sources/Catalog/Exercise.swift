import ExerciseChecks

/// One exercise: where its files are, which lecture module it belongs to, its hints, and its
/// check bound to the three kinds of implementation (student, solution, wrong variants).
public struct Exercise: Sendable {
    public typealias Run = @Sendable () -> [Failure]

    /// Two digits, "01"; also the file prefix.
    public let id: String
    /// The file stem after the id: "OutputSize" -> Sources/Student/01_OutputSize.swift.
    public let name: String
    public let title: String
    /// The lecture module number (Lectures/NN-*.md); see `Catalog.lectureTitles`.
    public let lecture: Int
    /// Hint levels: a nudge, then the formula, then the loop structure.
    public let hints: [String]
    public let student: Run
    public let solution: Run
    public let variants: [(name: String, run: Run)]

    public init(id: String, name: String, title: String, lecture: Int, hints: [String],
                student: @escaping Run, solution: @escaping Run, variants: [(name: String, run: Run)]) {
        self.id = id; self.name = name; self.title = title; self.lecture = lecture; self.hints = hints
        self.student = student; self.solution = solution; self.variants = variants
    }

    /// Paths relative to the Exercises folder.
    public var studentFile: String { "Sources/Student/\(id)_\(name).swift" }
    public var solutionFile: String { "Sources/Solutions/\(id)_\(name).swift" }
    public var pristineFile: String { "Pristine/\(id)_\(name).swift" }
    public var variantFile: String { "Sources/WrongVariants/\(id)_\(name).swift" }
    public var checkFile: String { "Sources/ExerciseChecks/\(id)_\(name).swift" }
    public var testFile: String { "Tests/StudentTests/\(id)_\(name)Tests.swift" }
}

public enum Catalog {
    /// The lecture modules (Lectures/NN-topic.md) the exercises link to.
    public static let lectureTitles: [Int: String] = [
        1: "Convolution from scratch", 2: "Padding", 3: "Kernels without training", 5: "Pooling",
        7: "Activations", 8: "Dense layers, softmax, cross-entropy, initialization",
        9: "Backprop through convolution and pooling", 11: "The convnet on MNIST",
        13: "Training deeper networks (optimizers, batch norm)", 16: "Depthwise and separable convolutions",
        17: "Super-resolution with SRCNN", 18: "Making it fast (im2col, GEMM)",
    ]
}
