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
    /// The lecture module number (Lectures/NN-*.md); see `Catalog.lectures`.
    public let lecture: Int
    /// Hint levels: a nudge, then the formula, then the loop structure.
    public let hints: [String]
    /// The Swift expression that judges the student's code, compiled with the student's file
    /// into the exercise's own judge program: `Checks.conv1D(conv1D)`.
    public let check: String
    public let solution: Run
    public let variants: [(name: String, run: Run)]

    public init(id: String, name: String, title: String, lecture: Int, hints: [String], check: String,
                solution: @escaping Run, variants: [(name: String, run: Run)]) {
        self.id = id; self.name = name; self.title = title; self.lecture = lecture; self.hints = hints
        self.check = check; self.solution = solution; self.variants = variants
    }

    /// The file name, `03_Conv1D.swift`, the same in Student, Solutions, Pristine and WrongVariants.
    public var fileName: String { "\(id)_\(name).swift" }
    /// Paths relative to the Exercises folder.
    public var studentFile: String { "Sources/Student/\(fileName)" }
    public var solutionFile: String { "Sources/Solutions/\(fileName)" }
    public var pristineFile: String { "Pristine/\(fileName)" }
    public var variantFile: String { "Sources/WrongVariants/\(fileName)" }
    public var checkFile: String { "Sources/ExerciseChecks/\(fileName)" }
    public var testFile: String { "Tests/StudentTests/\(id)_\(name)Tests.swift" }
    /// The name of the check function: `conv1D` in `Checks.conv1D(conv1D)`.
    public var checkName: String {
        let afterDot = check.drop(while: { $0 != "." }).dropFirst()
        return String(afterDot.prefix(while: { $0 != "(" }))
    }
}

/// A lecture module of the second edition: `Lectures/05-pooling.md`.
public struct Lecture: Sendable {
    public let number: Int
    public let title: String
    /// The file name inside `Lectures/`.
    public let file: String
}

public enum Catalog {
    /// The second edition's lecture modules, by number (the exercises link to them).
    public static let lectures: [Lecture] = [
        Lecture(number: 1, title: "Convolution from scratch", file: "01-convolution.md"),
        Lecture(number: 2, title: "Padding: SAME and VALID", file: "02-padding.md"),
        Lecture(number: 3, title: "Kernels without training", file: "03-kernels.md"),
        Lecture(number: 4, title: "Learning a kernel", file: "04-learning-a-kernel.md"),
        Lecture(number: 5, title: "Pooling", file: "05-pooling.md"),
        Lecture(number: 6, title: "Receptive field", file: "06-receptive-field.md"),
        Lecture(number: 7, title: "Activation functions", file: "07-activations.md"),
        Lecture(number: 8, title: "Dense layers, softmax, cross-entropy, initialization", file: "08-dense-softmax.md"),
        Lecture(number: 9, title: "Backprop through convolution and pooling", file: "09-backprop.md"),
        Lecture(number: 10, title: "Backprop in 2-D, transposed convolution", file: "10-backprop-2d.md"),
        Lecture(number: 11, title: "The convnet on MNIST", file: "11-mnist-convnet.md"),
        Lecture(number: 12, title: "Overfitting and regularization", file: "12-overfitting.md"),
        Lecture(number: 13, title: "Training deeper networks", file: "13-deeper-networks.md"),
        Lecture(number: 14, title: "Batch norm and Adam", file: "14-batch-norm-and-adam.md"),
        Lecture(number: 15, title: "Architectures", file: "15-architectures.md"),
        Lecture(number: 16, title: "Depthwise and separable convolutions", file: "16-depthwise-separable.md"),
        Lecture(number: 17, title: "Super-resolution with SRCNN", file: "17-srcnn.md"),
        Lecture(number: 18, title: "Making it fast", file: "18-making-it-fast.md"),
    ]

    public static func lecture(_ number: Int) -> Lecture? { lectures.first { $0.number == number } }

    /// The capstone (`Capstone/`): tutorial #03's "design an efficient network", after module 11
    /// (the convnet on MNIST) and module 15 (architectures).
    public static let capstoneLectures = [11, 15]
}
