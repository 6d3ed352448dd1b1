FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY pipeline ./pipeline
COPY seeds ./seeds
RUN pip install --no-cache-dir .
USER nobody
ENV NEWSWIRE_DATA_DIR=/tmp/newswire
CMD ["newswire", "worker"]
