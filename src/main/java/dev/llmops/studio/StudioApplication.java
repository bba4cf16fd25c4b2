package dev.llmops.studio;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.server.LoadDependenciesOnStartup;
import com.vaadin.flow.theme.Theme;
import com.vaadin.flow.theme.lumo.Lumo;
import dev.llmops.studio.model.ModelEngine;
import dev.llmops.studio.vault.MasterKeyRotationCommand;
import dev.llmops.studio.worker.RemoteWorkerMode;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
// Every screen's component scripts load with the application: per-route lazy chunks left a route without the
// grid's connector when it was opened directly (found by the browser tests on the workers screen).
@LoadDependenciesOnStartup
@Theme(value = "studio", variant = Lumo.LIGHT)
@Push
public class StudioApplication implements AppShellConfigurator {

    public static void main(String[] args) throws InterruptedException {
        ModelEngine.applyDefaults();
        if (RemoteWorkerMode.requested(args)) {
            RemoteWorkerMode.run(args);
            return;
        }
        if (MasterKeyRotationCommand.requested(args)) {
            int status = MasterKeyRotationCommand.run(args);
            if (status != 0) {
                System.exit(status);
            }
            return;
        }
        SpringApplication.run(StudioApplication.class, args);
    }
}
