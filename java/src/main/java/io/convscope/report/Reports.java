package io.convscope.report;

import java.nio.file.Path;

import io.convscope.Device;
import io.convscope.OutputFolder;
import io.convscope.model.TorchModel;

/**
 * The door to reports: computes the report of {@link ReportSpec} and writes {@code index.html} with its
 * pictures into a folder, all or none. An image that cannot be analysed becomes an error entry on the page
 * ({@link Report#failures()}); a wrong setting fails before anything is written and leaves the folder as it
 * was.
 */
public final class Reports {
    private Reports() {
    }

    /** Writes the report into {@code folder} (created if missing) and returns what it holds. */
    public static Report write(TorchModel model, ReportSpec spec, Device device, Path folder) {
        return write(model, spec, device, OutputFolder.check(folder));
    }

    /** Like {@link #write(TorchModel, ReportSpec, Device, Path)}, into a folder checked before any work. */
    public static Report write(TorchModel model, ReportSpec spec, Device device, OutputFolder folder) {
        return folder.write(scratch -> {
            Report built = new ReportBuilder(model, device).build(spec, scratch);
            HtmlPage.write(built, scratch);
            return built;
        });
    }

    /** Where a report written into {@code folder} has its page. */
    public static Path page(OutputFolder folder) {
        return folder.target().resolve(HtmlPage.FILE_NAME);
    }
}
