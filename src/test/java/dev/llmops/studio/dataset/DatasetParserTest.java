package dev.llmops.studio.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class DatasetParserTest {

    @TempDir
    Path dir;

    // ---- CSV: lines, quotes, ragged rows, header

    @Test
    void quotedFieldsSpanningLinesKeepTheFollowingRowsOnTheirPhysicalLines() throws IOException {
        String csv = """
                prompt,response
                "line one
                line two, with a comma
                and \"\"quotes\"\"\",first answer

                second prompt,
                third,"an answer, quoted"
                a,b,c
                """;
        for (String eol : List.of("\n", "\r\n")) {
            Collected out = parse(write("quoted.csv", csv.replace("\n", eol)));

            assertThat(out.lines).containsExactly(2L, 7L);
            assertThat(out.records.get(0).messages()).containsExactly(
                    new ChatMessage("user", "line one" + eol + "line two, with a comma" + eol + "and \"quotes\""),
                    new ChatMessage("assistant", "first answer"));
            assertThat(out.records.get(0).id()).isEqualTo("line-2");
            assertThat(out.records.get(1).messages().get(1).content()).isEqualTo("an answer, quoted");
            assertThat(out.errors).containsExactly(
                    new RowError("quoted.csv", 6, 2, "empty response (column 2, 'response')"),
                    new RowError("quoted.csv", 8, 3, "row has 3 fields, header has 2"));
        }
    }

    @Test
    void raggedRowsAreRejectedAtTheFirstFieldThatDoesNotFit() throws IOException {
        Collected out = parse(write("ragged.csv", """
                id,question,answer,category
                1,q1,a1,c1
                2,q2,a2,c2,extra
                3,q3,a3
                4,q4,a4,c4
                """));

        assertThat(out.lines).containsExactly(2L, 5L);
        assertThat(out.records.get(1)).isEqualTo(new DatasetRecord("4",
                List.of(new ChatMessage("user", "q4"), new ChatMessage("assistant", "a4")), null, "c4", Map.of(), null));
        assertThat(out.errors).containsExactly(
                new RowError("ragged.csv", 3, 5, "row has 5 fields, header has 4"),
                new RowError("ragged.csv", 4, 4, "row has 3 fields, header has 4"));
    }

    @Test
    void aByteOrderMarkIsSkipped() throws IOException {
        Path csv = writeBytes("bom.csv", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                "prompt,response\nhi,hello\n".getBytes(StandardCharsets.UTF_8)));
        Detection detection = DatasetParser.detect(csv, "bom.csv");
        assertThat(detection.bom()).isTrue();
        assertThat(detection.columns()).containsExactly("prompt", "response");
        assertThat(parse(csv).records).hasSize(1);

        Path jsonl = writeBytes("bom.jsonl", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF},
                "{\"text\": \"hello\"}\n".getBytes(StandardCharsets.UTF_8)));
        Collected out = parse(jsonl);
        assertThat(out.errors).isEmpty();
        assertThat(out.records.get(0).text()).isEqualTo("hello");
        assertThat(DatasetParser.detect(jsonl, "bom.jsonl").bom()).isTrue();
        assertThat(DatasetParser.detect(write("plain.csv", "a,b\n1,2\n"), "plain.csv").bom()).isFalse();
    }

    @Test
    void invalidUtf8IsRejectedWithItsLineAndColumnAndTheOtherRowsStillCount() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes("prompt,response\nfirst,ok\nx,ab".getBytes(StandardCharsets.UTF_8));
        bytes.write(0xC3); // a lead byte followed by '(' is malformed
        bytes.writeBytes("(cd\n\"multi\nline ".getBytes(StandardCharsets.UTF_8));
        bytes.write(0xFF);
        bytes.writeBytes("\",y\nlast,fine\n".getBytes(StandardCharsets.UTF_8));
        Collected out = parse(writeBytes("bad.csv", bytes.toByteArray()));

        assertThat(out.lines).containsExactly(2L, 6L);
        assertThat(out.errors).containsExactly(
                new RowError("bad.csv", 3, 2, "invalid UTF-8 (byte 0xC3) at character 5"),
                new RowError("bad.csv", 5, 1, "invalid UTF-8 (byte 0xFF) at character 6"));

        ByteArrayOutputStream json = new ByteArrayOutputStream();
        json.writeBytes("{\"text\": \"ok\"}\n{\"text\": \"caf".getBytes(StandardCharsets.UTF_8));
        json.writeBytes(new byte[] {(byte) 0xE9, '"', '}', '\n'}); // Latin-1 é
        json.writeBytes("{\"text\": \"caf\u00e9\"}\n".getBytes(StandardCharsets.UTF_8));
        Collected jsonl = parse(writeBytes("latin1.jsonl", json.toByteArray()));
        assertThat(jsonl.errors).containsExactly(new RowError("latin1.jsonl", 2, 14, "invalid UTF-8 (byte 0xE9)"));
        assertThat(jsonl.records).extracting(DatasetRecord::text).containsExactly("ok", "caf\u00e9");
    }

    @Test
    void invalidUtf8FarIntoTheFileIsPlacedExactly() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int line = 1; line <= 5000; line++) {
            bytes.writeBytes("r\u00e9sum\u00e9 number ".getBytes(StandardCharsets.UTF_8));
            if (line == 3777) {
                bytes.writeBytes(new byte[] {(byte) 0xE2, (byte) 0x82}); // a three-byte sequence cut short
            }
            bytes.writeBytes((line + " of a text long enough to cross several read buffers\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        Collected out = parse(writeBytes("long.txt", bytes.toByteArray()));

        assertThat(out.records).hasSize(4999);
        assertThat(out.errors).containsExactly(new RowError("long.txt", 3777, 15, "invalid UTF-8 (bytes 0xE2 0x82)"));
    }

    @Test
    void anEmptyFileIsAnErrorForTheWholeFile() throws IOException {
        Path empty = write("empty.csv", "");
        assertThatThrownBy(() -> DatasetParser.detect(empty, "empty.csv"))
                .isInstanceOf(DatasetFileException.class).hasMessage("empty.csv:1: the file is empty");
        Detection csv = new Detection(SourceFormat.CSV, ',', false, List.of("text"), null);
        assertThatThrownBy(() -> DatasetParser.parse(empty, "empty.csv", csv, ColumnMapping.none(), new Collected()))
                .isInstanceOf(DatasetFileException.class).hasMessageContaining("the file is empty");

        Path blank = write("blank.jsonl", "\n   \n\n");
        assertThatThrownBy(() -> DatasetParser.detect(blank, "blank.jsonl"))
                .isInstanceOf(DatasetFileException.class).hasMessageContaining("the file is empty");
        Detection jsonl = new Detection(SourceFormat.JSONL, '\0', false, List.of(), null);
        assertThatThrownBy(() -> DatasetParser.parse(blank, "blank.jsonl", jsonl, ColumnMapping.none(),
                new Collected())).isInstanceOf(DatasetFileException.class).hasMessageContaining("the file is empty");
    }

    @Test
    void aHeaderWithoutRowsIsOneRowError() throws IOException {
        Collected out = parse(write("header.csv", "prompt,response\n\n"));
        assertThat(out.records).isEmpty();
        assertThat(out.errors).containsExactly(new RowError("header.csv", 1, null, "no data rows"));
    }

    @Test
    void blankAndDuplicateHeaderNamesAreNamed() throws IOException {
        Path blank = write("blank.csv", "prompt,,response\na,b,c\n");
        assertThatThrownBy(() -> DatasetParser.detect(blank, "blank.csv"))
                .isInstanceOfSatisfying(DatasetFileException.class, e -> assertThat(e.error())
                        .isEqualTo(new RowError("blank.csv", 1, 2, "column 2 has no name in the header")));
        Path quoted = write("quoted.csv", "\"prompt\" text,response\na,b\n");
        assertThatThrownBy(() -> DatasetParser.detect(quoted, "quoted.csv"))
                .isInstanceOfSatisfying(DatasetFileException.class, e -> assertThat(e.error()).isEqualTo(
                        new RowError("quoted.csv", 1, 1, "header: text after the closing quote of column 1 "
                                + "(a quote inside a quoted field must be doubled: \"\")")));
        Path duplicate = write("duplicate.csv", "\nid,prompt,response,prompt\n1,a,b,c\n");
        assertThatThrownBy(() -> DatasetParser.detect(duplicate, "duplicate.csv"))
                .isInstanceOfSatisfying(DatasetFileException.class, e -> assertThat(e.error()).isEqualTo(
                        new RowError("duplicate.csv", 2, 4, "column 4 'prompt' has the same name as column 2")));
    }

    @Test
    void aOneColumnCsvUsesTheCommaAndItsColumnAsText() throws IOException {
        Path file = write("one.csv", "text\n\"Hello, world\"\nSecond line\n");
        Detection detection = DatasetParser.detect(file, "one.csv");
        assertThat(detection.delimiter()).isEqualTo(',');
        assertThat(detection.columns()).containsExactly("text");
        assertThat(DatasetParser.suggestMapping(detection).text()).isEqualTo("text");

        Collected out = parse(file);
        assertThat(out.errors).isEmpty();
        assertThat(out.records).extracting(DatasetRecord::text).containsExactly("Hello, world", "Second line");
        assertThat(out.records).allSatisfy(record -> assertThat(record.chat()).isFalse());
    }

    @Test
    void semicolonTabAndPipeDelimitersAreDetected() throws IOException {
        Detection semicolon = DatasetParser.detect(write("semi.csv", """
                question;answer;price
                "What; really?";Yes, really;1,5
                Why;Because;2,0
                """), "semi.csv");
        assertThat(semicolon.delimiter()).isEqualTo(';');
        assertThat(semicolon.columns()).containsExactly("question", "answer", "price");

        String tabs = "prompt\tresponse\nHi, there\tHello, you\nA, b, c\td\n";
        assertThat(DatasetParser.detect(write("tabs.tsv", tabs), "tabs.tsv").delimiter()).isEqualTo('\t');
        Detection tabCsv = DatasetParser.detect(write("tabs.csv", tabs), "tabs.csv");
        assertThat(tabCsv.delimiter()).isEqualTo('\t');
        assertThat(tabCsv.columns()).containsExactly("prompt", "response");
        assertThat(parse(write("tabs.csv", tabs)).records.get(1).messages().get(0).content()).isEqualTo("A, b, c");

        assertThat(DatasetParser.detect(write("pipes.csv", "a|b\n1|2\n"), "pipes.csv").delimiter()).isEqualTo('|');
    }

    @Test
    void aStrayQuoteLosesOnlyItsOwnRow() throws IOException {
        Collected out = parse(write("quotes.csv", """
                prompt,response
                "Hello" she said,hi
                "Hi" she said,"hello"
                x,y
                a,"b c
                "d",e
                f,g
                """));

        assertThat(out.errors).containsExactly(
                new RowError("quotes.csv", 2, 1,
                        "text after the closing quote of column 1 (a quote inside a quoted field must be doubled: \"\")"),
                new RowError("quotes.csv", 3, 1,
                        "text after the closing quote of column 1 (a quote inside a quoted field must be doubled: \"\")"),
                new RowError("quotes.csv", 5, 2,
                        "text after the closing quote of column 2 (a quote inside a quoted field must be doubled: \"\")"));
        assertThat(out.lines).containsExactly(4L, 6L, 7L);
        assertThat(out.records.get(1).messages().get(0).content()).isEqualTo("d");

        Collected laterField = parse(write("later.csv", "prompt,response,c\n\"multi\nline\",\"b\" c,z\nnext,row,ok\n"));
        assertThat(laterField.errors).extracting(RowError::line, RowError::column).containsExactly(tuple(3L, 2));
        assertThat(laterField.lines).containsExactly(4L);
    }

    @Test
    void anUnterminatedQuoteIsReportedWhereTheFieldStartsAndTheRowsAfterItAreStillRead() throws IOException {
        Collected out = parse(write("open.csv", """
                prompt,response
                ok,fine
                a,"b never closes
                c,d
                e,f
                """));

        assertThat(out.errors).containsExactly(
                new RowError("open.csv", 3, 2, "unterminated quote: the quoted field in column 2 never closes"));
        assertThat(out.lines).containsExactly(2L, 4L, 5L);
    }

    @Test
    void anUnterminatedQuoteStopsAfterEightMebicharactersNotAtTheEndOfTheFile() throws IOException {
        Path file = dir.resolve("huge.csv");
        int rows = 200_000;
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("prompt,response\nfirst,row\nbroken,\"no closing quote here\n");
            for (int i = 0; i < rows; i++) {
                out.write("prompt number " + i + ",a response that is a little longer\n");
            }
        }
        Collected out = parse(file);

        assertThat(out.errors).containsExactly(new RowError("huge.csv", 3, 2,
                "unterminated quote: the quoted field in column 2 never closes within 8 Mi characters"));
        assertThat(out.records).hasSize(rows + 1);
        assertThat(out.lines.get(1)).isEqualTo(4L);
        assertThat(out.lines.get(rows)).isEqualTo(rows + 3L);
    }

    // ---- JSON Lines

    @Test
    void aBrokenJsonLineIsRejectedWithJacksonsColumnAndTheNextLinesAreRead() throws IOException {
        Collected out = parse(write("broken.jsonl", """
                {"prompt": "a", "completion": "b"}
                {"prompt": "x",}

                {"prompt": "c", "completion": "d"}
                {"prompt": "e", "completion": "f"} {"prompt": "g"}
                [1, 2]
                {"prompt": "h", "completion": "i"}
                """));

        assertThat(out.lines).containsExactly(1L, 4L, 7L);
        assertThat(out.errors).containsExactly(
                new RowError("broken.jsonl", 2, 16, "invalid JSON: Unexpected character ('}' (code 125)): "
                        + "was expecting double-quote to start field name"),
                new RowError("broken.jsonl", 5, 36, "invalid JSON: more than one value on the line"),
                new RowError("broken.jsonl", 6, null, "expected a JSON object, found array"));
    }

    @Test
    void eachJsonlShapeMapsToTheCanonicalRecord() throws IOException {
        Path file = write("shapes.jsonl", """
                {"id": "c1", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}], "lang": "en"}
                {"instruction": "Translate", "input": "Hallo", "output": "Hello", "category": "translation"}
                {"instruction": "Say hi", "input": "", "output": "Hi"}
                {"prompt": "2+2=", "completion": "4", "id": 7, "meta": {"a": [1, 2]}}
                {"text": "Once upon a time", "lang": "de"}
                """);
        Detection detection = DatasetParser.detect(file, "shapes.jsonl");
        assertThat(detection.format()).isEqualTo(SourceFormat.JSONL);
        assertThat(detection.columns()).containsExactly("id", "messages", "lang", "instruction", "input", "output",
                "category", "prompt", "completion", "meta", "text");
        ColumnMapping mapping = new ColumnMapping(null, null, null, "category", "id", List.of("lang", "meta"));
        Collected out = new Collected();
        DatasetParser.parse(file, "shapes.jsonl", detection, mapping, out);

        assertThat(out.errors).isEmpty();
        assertThat(out.records).containsExactly(
                new DatasetRecord("c1", List.of(new ChatMessage("system", "Be brief."), new ChatMessage("user", "Hi"),
                        new ChatMessage("assistant", "Hello")), null, null, Map.of("lang", "en"), null),
                new DatasetRecord("line-2", List.of(new ChatMessage("user", "Translate\n\nHallo"),
                        new ChatMessage("assistant", "Hello")), null, "translation", Map.of(), null),
                new DatasetRecord("line-3", List.of(new ChatMessage("user", "Say hi"),
                        new ChatMessage("assistant", "Hi")), null, null, Map.of(), null),
                new DatasetRecord("7", List.of(new ChatMessage("user", "2+2="), new ChatMessage("assistant", "4")),
                        null, null, Map.of("meta", "{\"a\":[1,2]}"), null),
                new DatasetRecord("line-5", null, "Once upon a time", null, Map.of("lang", "de"), null));
    }

    @Test
    void theShapeOfTheFirstObjectsIsDetected() throws IOException {
        assertThat(shapeOf("{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}")).isEqualTo("chat");
        assertThat(shapeOf("{\"instruction\": \"a\", \"output\": \"b\"}")).isEqualTo("instruction");
        assertThat(shapeOf("{\"prompt\": \"a\", \"completion\": \"b\"}")).isEqualTo("prompt-completion");
        assertThat(shapeOf("{\"text\": \"a\"}\n{\"text\": \"b\"}\n{\"prompt\": \"a\", \"completion\": \"b\"}"))
                .isEqualTo("text");
        assertThat(shapeOf("not json\n{\"prompt\": \"a\", \"completion\": \"b\"}")).isEqualTo("prompt-completion");
        assertThat(shapeOf("{\"question\": \"a\"}")).isNull();
    }

    @Test
    void invalidChatsAndMissingFieldsAreRejectedByName() throws IOException {
        Collected out = parse(write("invalid.jsonl", """
                {"messages": [{"role": "user", "content": "Hi"}, {"role": "bot", "content": "Hello"}]}
                {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": ["parts"]}]}
                {"messages": [{"role": "user", "content": "Hi"}]}
                {"messages": [{"role": "assistant", "content": "Hi"}, {"content": "no role"}]}
                {"messages": []}
                {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "  "}]}
                {"instruction": "Do it", "input": "now"}
                {"instruction": "Do it", "output": 42}
                {"prompt": "p"}
                {"text": ""}
                {"question": "what shape?"}
                {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
                """));

        assertThat(out.lines).containsExactly(12L);
        assertThat(out.errors).extracting(RowError::line, RowError::reason).containsExactly(
                tuple(1L, "message 2: role must be system, user or assistant (got \"bot\")"),
                tuple(2L, "message 2: content must be a string"),
                tuple(3L, "last message must be the assistant's"),
                tuple(4L, "message 2: role must be system, user or assistant (it is missing)"),
                tuple(5L, "'messages' must be a non-empty array"),
                tuple(6L, "message 2: empty content"),
                tuple(7L, "missing 'output'"),
                tuple(8L, "'output' must be a string"),
                tuple(9L, "missing 'completion'"),
                tuple(10L, "empty 'text'"),
                tuple(11L, "missing 'messages'"));
    }

    // ---- plain text, sniffing, preview, mapping

    @Test
    void plainTextHasOneExamplePerNonBlankLine() throws IOException {
        Path file = write("corpus.txt", "first line\n\n   \nsecond line\r\nthird\rfourth");
        Detection detection = DatasetParser.detect(file, "corpus.txt");
        assertThat(detection).isEqualTo(new Detection(SourceFormat.TEXT, '\0', false, List.of("text"), null));
        Collected out = parse(file);

        assertThat(out.errors).isEmpty();
        assertThat(out.lines).containsExactly(1L, 4L, 5L, 6L);
        assertThat(out.records).containsExactly(new DatasetRecord("line-1", null, "first line", null, null, null),
                new DatasetRecord("line-4", null, "second line", null, null, null),
                new DatasetRecord("line-5", null, "third", null, null, null),
                new DatasetRecord("line-6", null, "fourth", null, null, null));
    }

    @Test
    void aLineLongerThanTheLimitIsRejectedWithoutBeingHeld() throws IOException {
        Path file = dir.resolve("oneline.txt");
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("short\n");
            for (int i = 0; i < 9 * 1024; i++) {
                out.write("x".repeat(1024));
            }
            out.write("\nafter\n");
        }
        Collected out = parse(file);
        assertThat(out.errors).containsExactly(new RowError("oneline.txt", 2, null, "line longer than 8 Mi characters"));
        assertThat(out.records).extracting(DatasetRecord::text).containsExactly("short", "after");
    }

    @Test
    void withoutAKnownExtensionTheContentTellsTheFormat() throws IOException {
        assertThat(DatasetParser.detect(write("a.json", "\n  {\"text\": \"x\"}\n"), "a.json").format())
                .isEqualTo(SourceFormat.JSONL);
        Detection csv = DatasetParser.detect(write("export.dat", "question;answer\nq;a\n"), "export.dat");
        assertThat(csv.format()).isEqualTo(SourceFormat.CSV);
        assertThat(csv.delimiter()).isEqualTo(';');
        assertThat(DatasetParser.detect(write("notes", "Hello, world.\nNo table here\n"), "notes").format())
                .isEqualTo(SourceFormat.TEXT);
        assertThatThrownBy(() -> DatasetParser.detect(write("array.json", "[{\"text\": \"x\"}]"), "array.json"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON Lines");
        Path utf16 = writeBytes("utf16.csv", "\uFEFFa,b\n".getBytes(StandardCharsets.UTF_16LE));
        assertThatThrownBy(() -> DatasetParser.detect(utf16, "utf16.csv"))
                .isInstanceOf(DatasetFileException.class).hasMessageContaining("UTF-16");
        Path binary = writeBytes("data.bin", new byte[] {'P', 'K', 3, 4, 0, 0, (byte) 0x9C, 1});
        assertThatThrownBy(() -> DatasetParser.detect(binary, "data.bin"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown format");
    }

    @Test
    void previewShowsTheFirstRowsByColumnAndTheirErrors() throws IOException {
        Path csv = write("preview.csv", "question,answer\nq1,a1\nq2\nq3,a3\nq4,a4\n");
        Preview preview = DatasetParser.preview(csv, "preview.csv", DatasetParser.detect(csv, "preview.csv"), 3);
        assertThat(preview.columns()).containsExactly("question", "answer");
        assertThat(preview.rows()).containsExactly(Map.of("question", "q1", "answer", "a1"),
                Map.of("question", "q3", "answer", "a3"));
        assertThat(new ArrayList<>(preview.rows().get(0).keySet())).containsExactly("question", "answer");
        assertThat(preview.errors()).containsExactly(new RowError("preview.csv", 3, 2, "row has 1 field, header has 2"));

        Path jsonl = write("preview.jsonl", """
                {"prompt": "p1", "completion": "c1", "meta": {"k": [1, true]}}
                {"prompt": "p2", "completion": 2, "extra": null}
                """);
        Preview json = DatasetParser.preview(jsonl, "preview.jsonl", DatasetParser.detect(jsonl, "preview.jsonl"), 10);
        assertThat(json.columns()).containsExactly("prompt", "completion", "meta", "extra");
        assertThat(json.rows().get(0)).containsExactly(Map.entry("prompt", "p1"), Map.entry("completion", "c1"),
                Map.entry("meta", "{\"k\":[1,true]}"), Map.entry("extra", ""));
        assertThat(json.rows().get(1)).containsEntry("completion", "2").containsEntry("meta", "");

        Path text = write("preview.txt", "one\ntwo\nthree\n");
        Preview lines = DatasetParser.preview(text, "preview.txt", DatasetParser.detect(text, "preview.txt"), 2);
        assertThat(lines.rows()).containsExactly(Map.of("text", "one"), Map.of("text", "two"));
    }

    @Test
    void mappingSuggestionsFollowTheColumnNames() {
        ColumnMapping chat = DatasetParser.suggestMapping(new Detection(SourceFormat.CSV, ',', false,
                List.of("UUID", "Question", "Input", "Answer", "Category", "Gender", "Age_Group", "notes"), null));
        assertThat(chat).isEqualTo(new ColumnMapping("Question", "Answer", null, "Category", "UUID",
                List.of("Gender", "Age_Group")));

        ColumnMapping instruction = DatasetParser.suggestMapping(new Detection(SourceFormat.CSV, ',', false,
                List.of("input", "instruction", "output"), null));
        assertThat(instruction.prompt()).isEqualTo("instruction");
        assertThat(instruction.response()).isEqualTo("output");

        ColumnMapping classification = DatasetParser.suggestMapping(new Detection(SourceFormat.CSV, ';', false,
                List.of("ID", "Body", "Intent", "Language", "Country"), null));
        assertThat(classification).isEqualTo(new ColumnMapping(null, null, "Body", "Intent", "ID",
                List.of("Language", "Country")));

        assertThat(DatasetParser.suggestMapping(new Detection(SourceFormat.CSV, ',', false,
                List.of("question", "context"), null))).isEqualTo(ColumnMapping.none());
        assertThat(DatasetParser.suggestMapping(new Detection(SourceFormat.JSONL, '\0', false,
                List.of("id", "messages", "label", "region"), "chat")))
                .isEqualTo(new ColumnMapping(null, null, null, "label", "id", List.of("region")));
        assertThat(DatasetParser.suggestMapping(new Detection(SourceFormat.TEXT, '\0', false, List.of("text"), null))
                .text()).isEqualTo("text");
    }

    @Test
    void aMappingThatDoesNotFitTheFileIsRefused() throws IOException {
        Path file = write("fit.csv", "question,answer\nq,a\n");
        Detection detection = DatasetParser.detect(file, "fit.csv");
        assertThatThrownBy(() -> DatasetParser.parse(file, "fit.csv", detection,
                new ColumnMapping("question", "reply", null, null, null, List.of()), new Collected()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("the file has no column 'reply'");
        assertThatThrownBy(() -> DatasetParser.parse(file, "fit.csv", detection,
                new ColumnMapping("question", null, null, null, null, List.of()), new Collected()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("both a prompt and a response");
    }

    // ---- streaming

    @Test
    @Timeout(120)
    void aLargeFileStreamsThroughWithoutGrowingTheHeap() throws IOException {
        Path file = dir.resolve("large.csv");
        int rows = 1_500_000;
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("id,prompt,response,label,region\n");
            for (int i = 0; i < rows; i++) {
                out.write(i + ",\"Summarise ticket " + i + ", please, in one sentence\","
                        + "The customer asks about invoice " + i + " and wants a refund soon,refund,emea\n");
            }
        }
        assertThat(Files.size(file)).isGreaterThan(180L * 1024 * 1024);
        Detection detection = DatasetParser.detect(file, "large.csv");
        ColumnMapping mapping = DatasetParser.suggestMapping(detection);
        long before = usedHeap();
        long[] count = {0};
        long[] peak = {0};
        DatasetParser.parse(file, "large.csv", detection, mapping, new RowSink() {
            @Override
            public void accept(long line, DatasetRecord record) {
                if (++count[0] % 500_000 == 0) {
                    peak[0] = Math.max(peak[0], usedHeap() - before);
                }
            }

            @Override
            public void reject(RowError error) {
                throw new AssertionError(error.toString());
            }
        });

        assertThat(count[0]).isEqualTo(rows);
        assertThat(peak[0]).as("heap growth while parsing %d MB", Files.size(file) >> 20)
                .isLessThan(64L * 1024 * 1024);
    }

    // ---- helpers

    private String shapeOf(String jsonl) throws IOException {
        return DatasetParser.detect(write("shape.jsonl", jsonl), "shape.jsonl").jsonShape();
    }

    private Collected parse(Path file) throws IOException {
        String name = file.getFileName().toString();
        Detection detection = DatasetParser.detect(file, name);
        Collected out = new Collected();
        DatasetParser.parse(file, name, detection, DatasetParser.suggestMapping(detection), out);
        return out;
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private Path writeBytes(String name, byte[] content) throws IOException {
        return Files.write(dir.resolve(name), content);
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] all = new byte[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    private static long usedHeap() {
        System.gc();
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static final class Collected implements RowSink {

        final List<Long> lines = new ArrayList<>();
        final List<DatasetRecord> records = new ArrayList<>();
        final List<RowError> errors = new ArrayList<>();

        @Override
        public void accept(long line, DatasetRecord record) {
            lines.add(line);
            records.add(record);
        }

        @Override
        public void reject(RowError error) {
            errors.add(error);
        }
    }
}
