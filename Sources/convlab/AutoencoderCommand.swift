import ConvLab
import Foundation

let autoencoderCommand = CLICommand(
    name: "autoencoder", summary: "a convolutional autoencoder on MNIST against the mean digit",
    options: trainingApplicationOptions + [
        .flag("json", "end with {\"mse_autoencoder\": ..., \"mse_mean_digit\": ...}"),
    ],
    output: .file("autoencoder.png"),
    notes: """
      Lecture 7's agenda: convs and max pools squeeze each digit to a 7x7x8 code, nearest resizes and
      convs grow it back; MSE, Adam 1e-3, batch 128. Reports the test MSE beside the trivial baseline
      (always answering the mean training digit) and writes inputs above reconstructions.
    """,
    run: runAutoencoder)

/// `convlab autoencoder`: trains the convolutional autoencoder and reports its test MSE.
func runAutoencoder(_ arguments: CLIArguments) throws {
    let run = try TrainingApplicationRun(arguments)
    let (epochs, seed, kernels, train, test, source) = (run.epochs, run.seed, run.kernels, run.train, run.test, run.source)
    let model = try ConvAutoencoder.makeModel()
    print("Convolutional autoencoder on \(train.shape[0]) training and \(test.shape[0]) test digits (\(source)), \(epochs) epoch(s), Adam 1e-3, batch 128, \(kernels.path) kernels")
    print(try model.summary(inputShape: [128, 28, 28, 1]))
    let start = Date()
    let (_, reconstructions, report) = try trainAutoencoder(
        train: train, test: test, epochs: epochs, seed: seed, kernels: kernels, onStep: run.progress(since: start),
        onEpoch: { epoch, loss, testMSE in
            print(String(format: "epoch %d: mean train MSE %.5f, test MSE %.5f", epoch, loss, testMSE) + " (\(secondsSince(start)))")
            fflush(nil)  // every output stream: the epoch line shows even when stdout is a file
        })
    print(String(format: "test MSE over %d digits: autoencoder %.5f, mean training digit %.5f (baseline / autoencoder = %.1f)",
                 report.testCount, report.testMSE, report.baselineMSE, report.baselineMSE / report.testMSE))
    let picture = try ConvAutoencoder.picture(
        inputs: test, reconstructions: reconstructions, count: 10, scale: 3,
        title: String(format: "Conv autoencoder, %d epoch(s): test MSE %.4f (mean digit %.4f)",
                      epochs, report.testMSE, report.baselineMSE))
    let output = try arguments.outputFile()
    try writePicture(picture, to: output)
    print("wrote \(output)")
    if arguments.flag("json") {
        print(String(format: "{\"mse_autoencoder\": %.6f, \"mse_mean_digit\": %.6f}", report.testMSE, report.baselineMSE))
    }
}
