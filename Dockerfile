# The vbatch image: 'vbatch run' with a job spec baked into /app/jobs.
#   mvn -B -q package -DskipTests          # builds target/vbatch.jar
#   docker build -t REGION-docker.pkg.dev/PROJECT/vbatch/vbatch:1.0 .
# The spec comes from the arguments (run /app/jobs/NAME/job.yaml) or from VBATCH_SPEC; run state is
# kept on gs:// when VBATCH_STATE is set (the Terraform module sets it), so a new container resumes.
FROM eclipse-temurin:17-jre

RUN useradd --system --uid 10001 --home-dir /app vbatch
WORKDIR /app
COPY target/vbatch.jar /app/vbatch.jar
COPY jobs /app/jobs
COPY scripts/container-entrypoint /app/entrypoint

# Local scratch for run state and results; the durable copy is on gs:// (VBATCH_STATE).
ENV VBATCH_HOME=/tmp/vbatch \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
USER 10001
ENTRYPOINT ["/app/entrypoint"]
